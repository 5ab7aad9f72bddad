//! Installing a catalogue edition and the window identity record.

use onestop_local::catalogue_repo::{self, InstalledEdition};
use onestop_local::settings::{self, WindowIdentity};
use onestop_local::Db;

use super::{Ctx, DeskError};

/// Validates the whole edition through `onestop_domain` first; a malformed one is refused with
/// every reason and the installed edition stays in use. A good one is swapped in atomically.
pub fn install(db: &mut Db, ctx: &Ctx, json: &str) -> Result<InstalledEdition, DeskError> {
    let catalogue = catalogue_repo::parse(json)?;
    let installed = db.write(|tx, _| catalogue_repo::install(tx, &catalogue, ctx.now))?;
    tracing::info!(edition = %installed.edition, items = installed.items, "catalogue installed");
    Ok(installed)
}

/// Until enrolment (later issue) fills it, tests and setup tools write it here.
pub fn set_window_identity(
    db: &mut Db,
    ctx: &Ctx,
    identity: &WindowIdentity,
) -> Result<(), DeskError> {
    // Refuse codes that could never number a case, instead of failing at the first acceptance.
    onestop_domain::ids::DivisionCode::parse(&identity.county_code)?;
    onestop_domain::numbering::TerminalCode::parse(&identity.terminal_code)
        .map_err(onestop_local::LocalError::from)?;
    db.write(|tx, _| settings::set_window_identity(tx, identity, ctx.now))?;
    Ok(())
}
