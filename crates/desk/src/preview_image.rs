//! The preview's page images. poppler's `pdftoppm` writes raw PPM in ~20 ms per A4 page at 80 dpi
//! but takes ~200 ms to write the same page as PNG (zlib at its default level), most of the time
//! from 受理 to the preview on screen. So the page is taken raw and encoded here with the `png`
//! crate's fast compression (a few ms), still lossless, so small text stays sharp.

/// A binary PPM (`P6`, 8-bit) page as PNG.
pub(crate) fn ppm_to_png(ppm: &[u8]) -> Result<Vec<u8>, String> {
    let (width, height, pixels) = parse_p6(ppm)?;
    let mut out = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// Width, height and the RGB bytes of a `P6` image with maxval 255.
fn parse_p6(ppm: &[u8]) -> Result<(u32, u32, &[u8]), String> {
    let mut at = 0;
    let mut field = || -> Result<&[u8], String> {
        // Whitespace and `#` comments separate the header fields.
        loop {
            match ppm.get(at) {
                Some(b) if b.is_ascii_whitespace() => at += 1,
                Some(b'#') => {
                    while ppm.get(at).is_some_and(|b| *b != b'\n') {
                        at += 1;
                    }
                }
                Some(_) => break,
                None => return Err("PPM 头不完整".into()),
            }
        }
        let start = at;
        while ppm.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        Ok(&ppm[start..at])
    };
    if field()? != b"P6" {
        return Err("不是 P6 格式的 PPM".into());
    }
    let mut number = || -> Result<u32, String> {
        std::str::from_utf8(field()?)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| "PPM 头中的数字无效".to_owned())
    };
    let (width, height, max) = (number()?, number()?, number()?);
    if max != 255 || width == 0 || height == 0 {
        return Err(format!("不支持的 PPM：{width}×{height}，最大值 {max}"));
    }
    // Exactly one whitespace byte ends the header.
    let start = at + 1;
    let len = width as usize * height as usize * 3;
    let pixels = ppm.get(start..start + len).ok_or("PPM 像素数据不完整")?;
    Ok((width, height, pixels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ppm_page_becomes_the_same_pixels_in_png() {
        let pixels: Vec<u8> = (0..4 * 3 * 3).map(|i| (i * 7 % 256) as u8).collect();
        let mut ppm = b"P6\n# pdftoppm\n4 3\n255\n".to_vec();
        ppm.extend(&pixels);
        let png_bytes = ppm_to_png(&ppm).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (4, 3));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(&buf[..info.buffer_size()], pixels.as_slice());
    }

    #[test]
    fn a_short_or_foreign_image_is_refused() {
        assert!(ppm_to_png(b"P5\n4 3\n255\n").is_err());
        assert!(ppm_to_png(b"P6\n4 3\n255\n\x00\x01").is_err());
        assert!(ppm_to_png(b"P6\n4 3\n65535\n").is_err());
    }
}
