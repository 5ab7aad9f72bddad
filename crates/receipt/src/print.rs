//! Printing. `Printer` is the small interface desk uses; `CupsPrinter` implements it with the
//! CUPS command-line tools (`lpstat`, `lp`), present on Debian, UOS and Kylin. A Windows
//! implementation would be another type behind the same trait. The default printer of a window
//! is desk's setting; here it is just a name.

use std::io::Write;
use std::process::{Command, Stdio};

use tracing::info;

use crate::error::PrintError;

/// A printer the system knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterInfo {
    pub name: String,
    /// The system default destination.
    pub is_default: bool,
}

/// A job handed to the print system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    /// The system's job id, e.g. `OnestopPDF-12`.
    pub id: String,
    pub printer: String,
}

/// The print system, as desk sees it.
pub trait Printer {
    /// Every printer the system knows.
    fn list(&self) -> Result<Vec<PrinterInfo>, PrintError>;
    /// Send a PDF to `printer`; `title` names the job (it shows in the queue).
    fn print_pdf(&self, printer: &str, pdf: &[u8], title: &str) -> Result<PrintJob, PrintError>;
}

/// CUPS through `lp` and `lpstat`.
#[derive(Debug, Clone)]
pub struct CupsPrinter {
    lp: String,
    lpstat: String,
}

impl Default for CupsPrinter {
    fn default() -> Self {
        CupsPrinter {
            lp: "lp".to_owned(),
            lpstat: "lpstat".to_owned(),
        }
    }
}

impl CupsPrinter {
    pub fn new() -> CupsPrinter {
        CupsPrinter::default()
    }

    /// Use other binaries (tests, or a non-standard install).
    pub fn with_commands(lp: impl Into<String>, lpstat: impl Into<String>) -> CupsPrinter {
        CupsPrinter {
            lp: lp.into(),
            lpstat: lpstat.into(),
        }
    }

    fn lpstat(&self, args: &[&str]) -> Result<String, PrintError> {
        let out = Command::new(&self.lpstat)
            .args(args)
            .env("LC_ALL", "C")
            .output()
            .map_err(|e| PrintError::Unavailable(format!("{}：{e}", self.lpstat)))?;
        // lpstat exits non-zero when there are no destinations at all; that is an empty list.
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// A CUPS queue name: printable, no spaces, slashes or `#`, and not an option.
fn check_name(name: &str) -> Result<(), PrintError> {
    let ok = !name.is_empty()
        && name.len() <= 127
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '/' | '#' | '\\' | '\'' | '"'));
    if ok {
        Ok(())
    } else {
        Err(PrintError::BadPrinterName(name.to_owned()))
    }
}

impl Printer for CupsPrinter {
    fn list(&self) -> Result<Vec<PrinterInfo>, PrintError> {
        let default = self.lpstat(&["-d"])?;
        let default = default
            .lines()
            .find_map(|l| l.strip_prefix("system default destination:"))
            .map(|s| s.trim().to_owned());
        let names = self.lpstat(&["-e"])?;
        Ok(names
            .lines()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| PrinterInfo {
                name: n.to_owned(),
                is_default: default.as_deref() == Some(n),
            })
            .collect())
    }

    fn print_pdf(&self, printer: &str, pdf: &[u8], title: &str) -> Result<PrintJob, PrintError> {
        check_name(printer)?;
        let title: String = title
            .chars()
            .filter(|c| !c.is_control())
            .take(100)
            .collect();
        let mut child = Command::new(&self.lp)
            .args(["-d", printer, "-t", &title, "-o", "media=A4", "--", "-"])
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| PrintError::Unavailable(format!("{}：{e}", self.lp)))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(pdf)
                .map_err(|e| PrintError::Failed(e.to_string()))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| PrintError::Failed(e.to_string()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(PrintError::Failed(format!(
                "{}{}",
                stderr.trim(),
                stdout.trim()
            )));
        }
        // "request id is OnestopPDF-12 (1 file(s))"
        let id = stdout
            .split_whitespace()
            .skip_while(|w| *w != "is")
            .nth(1)
            .map(str::to_owned)
            .ok_or_else(|| PrintError::Failed(format!("无法识别打印任务号：{}", stdout.trim())))?;
        info!(printer, job = %id, bytes = pdf.len(), "voucher sent to printer");
        Ok(PrintJob {
            id,
            printer: printer.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn printer_names_that_could_be_options_are_refused() {
        assert!(check_name("OnestopPDF").is_ok());
        assert!(check_name("HP_LaserJet-1020@host").is_ok());
        assert!(check_name("-o").is_err());
        assert!(check_name("a b").is_err());
        assert!(check_name("").is_err());
    }
}
