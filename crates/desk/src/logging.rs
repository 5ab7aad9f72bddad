//! Client logs: one file per day in the app's data folder, every line masked for personal data.
//!
//! ID and phone numbers must never reach a log file in clear (PIPL arts. 28 and 51), whatever a
//! careless `tracing::info!` elsewhere formats into a message. So the masking sits in the writer,
//! below every layer and every format, and applies to the whole rendered line.

use std::io::{self, Write};
use std::path::Path;

pub use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

use onestop_domain::ids::mask_personal_data;

/// Wraps any writer and masks ID and phone numbers in what passes through it.
///
/// tracing's fmt layer renders each event into one buffer and writes it in one call, so a line is
/// never split across two `write` calls and a number cannot straddle a boundary.
pub struct MaskingWriter<W> {
    inner: W,
}

impl<W: Write> Write for MaskingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.inner.write_all(mask_personal_data(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A `MakeWriter` that hands out [`MaskingWriter`]s around another `MakeWriter`.
pub struct Masking<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Masking<M> {
    type Writer = MaskingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingWriter {
            inner: self.0.make_writer(),
        }
    }
}

/// Installs the global subscriber: daily-rotated files `onestop.YYYY-MM-DD.log` under `logs_dir`
/// (kept 14 days) plus stderr, both masked. Keep the returned guard alive until exit so the
/// background writer flushes.
pub fn init(logs_dir: &Path) -> io::Result<WorkerGuard> {
    std::fs::create_dir_all(logs_dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("onestop")
        .filename_suffix("log")
        .max_log_files(14)
        .build(logs_dir)
        .map_err(io::Error::other)?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("ONESTOP_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let result = tracing_subscriber::registry()
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(Masking(file_writer)),
        )
        .with(tracing_subscriber::fmt::layer().with_writer(Masking(io::stderr)))
        .try_init();
    if let Err(err) = result {
        // A second init (tests, a restarted shell) keeps the first subscriber; that is fine.
        eprintln!("logging already initialised: {err}");
    }
    Ok(guard)
}
