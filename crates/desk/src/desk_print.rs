//! Vouchers as `Desk` methods: preview, print (and 补打), the printers and the window's default.

use std::sync::Arc;

use onestop_local::settings;
use onestop_protocol::ApiError;
use onestop_receipt::{CupsPrinter, FontConfig, Printer as _, Renderer};
use tokio::sync::OnceCell;

use crate::desk::Desk;
use crate::device_key;
use crate::status::Printer;
use crate::usecases::print::{self, PrintInput, PrintKit, PrintedVoucher, DEFAULT_PRINTER};
use crate::usecases::DeskError;

/// Fonts are loaded once per process (about 0.2 s), not per voucher.
static RENDERER: OnceCell<Arc<Renderer>> = OnceCell::const_new();

async fn renderer() -> Result<Arc<Renderer>, DeskError> {
    RENDERER
        .get_or_try_init(|| async {
            tokio::task::spawn_blocking(|| Renderer::load(&FontConfig::system()).map(Arc::new))
                .await
                .map_err(|e| DeskError::Internal(e.to_string()))?
                .map_err(DeskError::from)
        })
        .await
        .cloned()
}

/// Loads the fonts in the background (after sign-in), so the first 受理 of the day does not wait
/// for them before its preview.
pub(crate) fn warm_up() {
    tokio::spawn(async {
        if let Err(e) = renderer().await {
            tracing::warn!(code = %e.code(), "voucher fonts could not be loaded in advance");
        }
    });
}

impl Desk {
    async fn voucher(&self, input: PrintInput, record: bool) -> Result<PrintedVoucher, ApiError> {
        let renderer = renderer().await?;
        let keys = self.keys().await?;
        let ctx = self.ctx();
        let server_url = self.config().server_url.clone();
        let out = self
            .store()
            .await?
            .run(move |db, dir| {
                let key = device_key::load_or_create(keys.as_ref())?;
                let printer = CupsPrinter::new();
                let kit = PrintKit {
                    renderer: &renderer,
                    key: &key,
                    printer: &printer,
                    server_url: &server_url,
                };
                if record {
                    print::print(db, dir, &ctx, &kit, input)
                } else {
                    print::preview(db, dir, &ctx, &kit, input)
                }
            })
            .await?;
        Ok(out)
    }

    /// Renders the voucher for the in-app preview; nothing is printed or recorded.
    pub async fn preview_voucher(&self, input: PrintInput) -> Result<PrintedVoucher, ApiError> {
        self.voucher(input, false).await
    }

    /// Prints the voucher and records the print (a reprint is marked 补打 with its count).
    pub async fn print_voucher(&self, input: PrintInput) -> Result<PrintedVoucher, ApiError> {
        self.voucher(input, true).await
    }

    pub async fn list_printers(&self) -> Result<Vec<Printer>, ApiError> {
        let printers = tokio::task::spawn_blocking(|| CupsPrinter::new().list())
            .await
            .map_err(|e| ApiError::from(DeskError::Internal(e.to_string())))?
            .map_err(|e| ApiError::from(DeskError::from(e)))?;
        Ok(printers.into_iter().map(Printer::from).collect())
    }

    /// The window's printer, kept in the window database.
    pub async fn set_default_printer(&self, name: String) -> Result<(), ApiError> {
        self.store()
            .await?
            .run(move |db, _| {
                db.write(|tx, _| settings::set(tx, DEFAULT_PRINTER, name.trim()))?;
                Ok(())
            })
            .await?;
        Ok(())
    }

    pub async fn default_printer(&self) -> Result<Option<String>, ApiError> {
        let out = self
            .store()
            .await?
            .run(|db, _| Ok(settings::get(db.conn(), DEFAULT_PRINTER)?))
            .await?;
        Ok(out)
    }
}
