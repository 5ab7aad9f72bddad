//! Finding and loading the CJK fonts, once. A `FontSet` is the chain used for every voucher: a
//! primary CJK face (WenQuanYi Micro Hei), a second sans face for what it lacks (Noto Sans CJK
//! SC: CJK Ext A and some newer characters) and fallbacks for the CJK extension blocks (花园明朝
//! HanaMinA/HanaMinB cover Ext A–F, where the rare characters of names live). Loading reads
//! about 80 MB of font files, keeps each face's metrics and the primary face prepared for
//! printing (`sfnt.rs`), so build the set once and share it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use tracing::{info, warn};

use crate::error::ReceiptError;
use crate::face_metrics::FaceMetrics;
use crate::sfnt::print_face;

/// A font file and the face to use inside it (non-zero only for `.ttc` collections).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontSource {
    pub path: PathBuf,
    pub index: usize,
}

impl FontSource {
    pub fn new(path: impl Into<PathBuf>, index: usize) -> FontSource {
        FontSource {
            path: path.into(),
            index,
        }
    }
}

/// Known primary faces, by file name, with the face index of Simplified Chinese.
///
/// WenQuanYi Micro Hei (`fonts-wqy-microhei`, Apache-2.0) comes first because it keeps vouchers
/// small: its TrueType outlines, without hinting, embed at about 110 bytes per character against
/// about 160 for Noto Sans CJK's CFF, which is what brings the text-heavy notices under 40 KB
/// (docs/benchmarks.md). Noto Sans CJK SC (OFL) is next: in Debian's (and UOS's, Kylin's)
/// `fonts-noto-cjk`, `NotoSansCJK-Regular.ttc` holds JP, KR, SC, TC, HK in that order, so SC is
/// face 2 (`fc-list -f '%{file} %{index} %{family[0]}\n'`).
const PRIMARY_CANDIDATES: &[(&str, usize)] = &[
    ("wqy-microhei.ttc", 0),
    ("NotoSansCJKsc-Regular.otf", 0),
    ("NotoSansSC-Regular.otf", 0),
    ("NotoSansCJK-Regular.ttc", 2),
    ("NotoSerifCJKsc-Regular.otf", 0),
    ("NotoSerifCJK-Regular.ttc", 2),
];

/// Fallbacks for characters the primary lacks, in chain order; from each group the first face
/// found is used, unless it is already in the chain. Noto Sans CJK SC first, so that CJK Ext A
/// (which wqy-microhei lacks) stays in a sans face next to the rest of a name; then HanaMinA/B
/// (OFL) for Ext A–F.
const FALLBACK_CANDIDATES: &[&[(&str, usize)]] = &[
    &[
        ("NotoSansCJKsc-Regular.otf", 0),
        ("NotoSansSC-Regular.otf", 0),
        ("NotoSansCJK-Regular.ttc", 2),
    ],
    &[("HanaMinA.ttf", 0)],
    &[("HanaMinB.ttf", 0)],
];

/// Where the system keeps fonts on Debian, UOS, Kylin and most other Linux systems.
pub const SYSTEM_FONT_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/noto-cjk",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/wqy-microhei",
    "/usr/share/fonts/truetype/hanazono",
    "/usr/share/fonts/hanazono",
];

/// Where to look, in order: the configured font, the installer's resource folders, the system.
#[derive(Debug, Clone, Default)]
pub struct FontConfig {
    /// The font an administrator configured; tried first.
    pub configured: Option<FontSource>,
    /// Folders shipped with the application (e.g. `<resources>/fonts`).
    pub resource_dirs: Vec<PathBuf>,
    /// System folders; `FontConfig::system()` fills in [`SYSTEM_FONT_DIRS`].
    pub system_dirs: Vec<PathBuf>,
    /// Extra fallback fonts tried after the built-in fallback list.
    pub extra_fallbacks: Vec<FontSource>,
}

impl FontConfig {
    /// The configured path (if any), then `resource_dirs`, then the usual system folders.
    pub fn system() -> FontConfig {
        FontConfig {
            system_dirs: SYSTEM_FONT_DIRS.iter().map(PathBuf::from).collect(),
            ..FontConfig::default()
        }
    }
}

/// One loaded face.
#[derive(Debug, Clone)]
pub struct Face {
    pub source: FontSource,
    metrics: FaceMetrics,
    /// The face prepared for printing (`sfnt::print_face`; its own `cmap` is a stub, so text is
    /// handed to printpdf as glyph ids looked up in `metrics.chars`). Kept for the primary face,
    /// which nearly every voucher uses. A fallback is prepared again from its file when a voucher
    /// needs it (a rare character): keeping all four prepared and parsed cost the app ~190 MB
    /// for the whole day.
    resident: Option<Arc<Vec<u8>>>,
    /// The file as it was when `metrics` were read; a face prepared later must come from the same
    /// file, or the glyph ids laid out would point at other glyphs.
    stamp: FileStamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl FileStamp {
    fn of(path: &Path) -> std::io::Result<FileStamp> {
        let meta = std::fs::metadata(path)?;
        Ok(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

impl Face {
    fn load(source: &FontSource, resident: bool) -> Result<Face, ReceiptError> {
        let stamp = FileStamp::of(&source.path).map_err(|e| source.unreadable(e.to_string()))?;
        let bytes = std::fs::read(&source.path).map_err(|e| source.unreadable(e.to_string()))?;
        let metrics = FaceMetrics::read(&bytes, source.index).map_err(|e| source.unreadable(e))?;
        // Prepared once here even for a fallback, so a face that cannot be printed is skipped now
        // rather than found out at the window with a citizen waiting.
        let prepared = print_face(&bytes, source.index).map_err(|e| source.unreadable(e))?;
        Ok(Face {
            source: source.clone(),
            metrics,
            resident: resident.then(|| Arc::new(prepared.bytes)),
            stamp,
        })
    }

    /// The glyph id of `c`, if this face has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        self.metrics.chars.glyph(c)
    }

    /// Advance width of glyph `gid` in em.
    pub(crate) fn advance_em(&self, gid: u16) -> f32 {
        f32::from(self.metrics.advance(gid)) / f32::from(self.metrics.units_per_em)
    }

    /// The face prepared for printing: kept, or prepared again from the unchanged file.
    pub(crate) fn prepared(&self) -> Result<Arc<Vec<u8>>, ReceiptError> {
        if let Some(bytes) = &self.resident {
            return Ok(Arc::clone(bytes));
        }
        let unreadable = |reason: String| self.source.unreadable(reason);
        let now = FileStamp::of(&self.source.path).map_err(|e| unreadable(e.to_string()))?;
        if now != self.stamp {
            return Err(unreadable(
                "字体文件在本程序运行期间被更换，请重新启动后再打印".into(),
            ));
        }
        let bytes = std::fs::read(&self.source.path).map_err(|e| unreadable(e.to_string()))?;
        let face = print_face(&bytes, self.source.index).map_err(unreadable)?;
        Ok(Arc::new(face.bytes))
    }
}

impl FontSource {
    fn unreadable(&self, reason: String) -> ReceiptError {
        ReceiptError::FontUnreadable {
            path: self.path.clone(),
            reason,
        }
    }
}

/// The font chain every voucher is drawn with. Build once (`FontSet::load`), reuse for every
/// voucher.
#[derive(Debug, Clone)]
pub struct FontSet {
    faces: Vec<Face>,
}

impl FontSet {
    /// Find and load the primary face and every fallback that exists.
    pub fn load(config: &FontConfig) -> Result<FontSet, ReceiptError> {
        let started = std::time::Instant::now();
        let mut searched = Vec::new();
        let mut primary = None;
        if let Some(src) = &config.configured {
            searched.push(src.path.display().to_string());
            match Face::load(src, true) {
                Ok(face) => primary = Some(face),
                Err(e) => {
                    warn!(path = %src.path.display(), error = %e, "configured font unusable; searching further")
                }
            }
        }
        let resources: Vec<&Path> = config.resource_dirs.iter().map(PathBuf::as_path).collect();
        let system: Vec<&Path> = config.system_dirs.iter().map(PathBuf::as_path).collect();
        let dirs = [resources.as_slice(), system.as_slice()];
        if primary.is_none() {
            primary = first_loadable(&dirs, PRIMARY_CANDIDATES, true, &mut searched);
        }
        let Some(primary) = primary else {
            return Err(ReceiptError::FontNotFound { searched });
        };
        let mut faces = vec![primary];
        for group in FALLBACK_CANDIDATES {
            // Noto Sans CJK is a fallback only when it is not the primary already.
            let loaded = |(name, index): &(&str, usize)| {
                faces.iter().any(|f: &Face| {
                    f.source.index == *index
                        && f.source.path.file_name() == Some(std::ffi::OsStr::new(name))
                })
            };
            if group.iter().any(loaded) {
                continue;
            }
            if let Some(face) = first_loadable(&dirs, group, false, &mut searched) {
                faces.push(face);
            }
        }
        for src in &config.extra_fallbacks {
            match Face::load(src, false) {
                Ok(face) => faces.push(face),
                Err(e) => warn!(path = %src.path.display(), error = %e, "fallback font unusable"),
            }
        }
        info!(
            faces = ?faces.iter().map(|f| f.source.path.display().to_string()).collect::<Vec<_>>(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "voucher fonts loaded"
        );
        Ok(FontSet { faces })
    }

    /// A set from explicit sources, in chain order (the first is the primary).
    pub fn from_sources(sources: &[FontSource]) -> Result<FontSet, ReceiptError> {
        let faces = sources
            .iter()
            .enumerate()
            .map(|(i, source)| Face::load(source, i == 0))
            .collect::<Result<Vec<_>, _>>()?;
        if faces.is_empty() {
            return Err(ReceiptError::FontNotFound {
                searched: Vec::new(),
            });
        }
        Ok(FontSet { faces })
    }

    /// The faces in chain order.
    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    /// The first face in the chain that has `c`, with its glyph id.
    pub fn face_for(&self, c: char) -> Option<(usize, u16)> {
        self.faces
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.glyph(c).map(|g| (i, g)))
    }

    /// Advance of `c` in em (a missing glyph counts as one em).
    pub(crate) fn advance_em(&self, c: char) -> f32 {
        match self.face_for(c) {
            Some((i, g)) => self.faces[i].advance_em(g),
            None => 1.0,
        }
    }
}

/// The first of `candidates` that loads, looking through the tiers of folders in order (the
/// installer's resources, then the system). Within a tier the candidate order decides, not the
/// folder order: wqy-microhei in the second system folder beats Noto in the first.
fn first_loadable(
    tiers: &[&[&Path]],
    candidates: &[(&str, usize)],
    resident: bool,
    searched: &mut Vec<String>,
) -> Option<Face> {
    for dirs in tiers {
        for dir in *dirs {
            let shown = dir.display().to_string();
            if !searched.contains(&shown) {
                searched.push(shown);
            }
        }
        for (name, index) in candidates {
            for dir in *dirs {
                let path = dir.join(name);
                if !path.is_file() {
                    continue;
                }
                match Face::load(&FontSource::new(&path, *index), resident) {
                    Ok(face) => return Some(face),
                    Err(e) => warn!(path = %path.display(), error = %e, "font unusable"),
                }
            }
        }
    }
    None
}
