//! The acceptance work of the window as `Desk` methods: each runs its use case on the blocking
//! pool and answers with a typed result or `{code, message, details}`.

use std::sync::Arc;

use onestop_local::applicant_repo::Applicant;
use onestop_local::case_repo::CaseSummary;
use onestop_local::catalogue_repo::InstalledEdition;
use onestop_local::settings::{self, WindowIdentity};
use onestop_local::timeline::ChainBreak;
use onestop_local::{KeyStore, KeyringStore};
use onestop_protocol::{ApiError, AttachmentRef};

use crate::desk::Desk;
use crate::local_store::LocalStore;
use crate::usecases::accept::{self, AcceptReceivedInput};
use crate::usecases::applicants::{self, ApplicantQuery, RegisterApplicantInput};
use crate::usecases::attachments::{self, ImportAttachmentInput};
use crate::usecases::reject::{self, RejectInput};
use crate::usecases::supplement::{self, SupplementInput, SupplementNoticeInput};
use crate::usecases::withdraw::{self, WithdrawInput};
use crate::usecases::{catalogue, instant, queries, CaseDetail, Ctx, DeskError, NewCaseInput};

impl Desk {
    pub(crate) fn ctx(&self) -> Ctx {
        let clock = &self.config().clock;
        Ctx {
            now: clock.now(),
            today: clock.today(),
            calendar: Arc::clone(&self.calendar),
        }
    }

    /// The key store holding the database key and the device key: the configured one, or the OS
    /// keyring, probed once (the probe talks to D-Bus) and kept for the life of the desk.
    pub(crate) async fn keys(&self) -> Result<Arc<dyn KeyStore>, DeskError> {
        self.keys
            .get_or_try_init(|| async {
                if let Some(k) = self.config().keystore.clone() {
                    return Ok(k);
                }
                let store = tokio::task::spawn_blocking(|| {
                    KeyringStore::platform(onestop_local::keystore::KEYRING_SERVICE)
                })
                .await
                .map_err(|e| DeskError::Internal(e.to_string()))??;
                Ok(Arc::new(store) as Arc<dyn KeyStore>)
            })
            .await
            .cloned()
    }

    pub(crate) async fn store(&self) -> Result<&LocalStore, DeskError> {
        self.local
            .get_or_try_init(|| async {
                let dir = self.config().data_dir.clone();
                let keys = self.keys().await?;
                tokio::task::spawn_blocking(move || LocalStore::open(&dir, keys.as_ref()))
                    .await
                    .map_err(|e| DeskError::Internal(e.to_string()))?
            })
            .await
    }

    /// Opens the window database now (it is otherwise opened by the first use case), so a missing
    /// key is reported at start.
    pub async fn open_local(&self) -> Result<(), ApiError> {
        self.store().await?;
        Ok(())
    }

    pub async fn install_catalogue(&self, json: String) -> Result<InstalledEdition, ApiError> {
        let ctx = self.ctx();
        let out = self
            .store()
            .await?
            .run(move |db, _| catalogue::install(db, &ctx, &json))
            .await?;
        Ok(out)
    }

    pub async fn set_window_identity(&self, identity: WindowIdentity) -> Result<(), ApiError> {
        let ctx = self.ctx();
        self.store()
            .await?
            .run(move |db, _| catalogue::set_window_identity(db, &ctx, &identity))
            .await?;
        Ok(())
    }

    pub async fn window_identity(&self) -> Result<Option<WindowIdentity>, ApiError> {
        let out = self
            .store()
            .await?
            .run(|db, _| Ok(settings::window_identity(db.conn())?))
            .await?;
        Ok(out)
    }

    pub async fn register_applicant(
        &self,
        input: RegisterApplicantInput,
    ) -> Result<Applicant, ApiError> {
        let ctx = self.ctx();
        let out = self
            .store()
            .await?
            .run(move |db, _| applicants::register(db, &ctx, input))
            .await?;
        self.after_write();
        Ok(out)
    }

    pub async fn find_applicants(&self, query: ApplicantQuery) -> Result<Vec<Applicant>, ApiError> {
        let ctx = self.ctx();
        let out = self
            .store()
            .await?
            .run(move |db, _| applicants::find(db, &ctx, &query))
            .await?;
        Ok(out)
    }

    /// The item's form with the applicant's shared fields filled in (一表式).
    pub async fn prefill_form(
        &self,
        applicant_id: String,
        impl_code: String,
    ) -> Result<serde_json::Value, ApiError> {
        let out = self
            .store()
            .await?
            .run(move |db, _| applicants::prefill(db, &applicant_id, &impl_code))
            .await?;
        Ok(out)
    }

    async fn case_op<F>(&self, f: F) -> Result<CaseDetail, ApiError>
    where
        F: FnOnce(
                &mut onestop_local::Db,
                &std::path::Path,
                &Ctx,
            ) -> Result<onestop_local::case_repo::StoredCase, DeskError>
            + Send
            + 'static,
    {
        let ctx = self.ctx();
        let out = self
            .store()
            .await?
            .run(move |db, dir| {
                let stored = f(db, dir, &ctx)?;
                queries::detail(db.conn(), &ctx, stored)
            })
            .await?;
        self.after_write();
        Ok(out)
    }

    /// 收件 and 受理 of a new application in one step.
    pub async fn accept(&self, input: NewCaseInput) -> Result<CaseDetail, ApiError> {
        self.case_op(move |db, dir, ctx| accept::accept(db, dir, ctx, input))
            .await
    }

    /// 收件 only (a village agent's case, or one that needs a supplement notice first).
    pub async fn receive(&self, input: NewCaseInput) -> Result<CaseDetail, ApiError> {
        self.case_op(move |db, dir, ctx| accept::receive_only(db, dir, ctx, input))
            .await
    }

    /// 受理 of a case already received (after its supplement).
    pub async fn accept_received(
        &self,
        input: AcceptReceivedInput,
    ) -> Result<CaseDetail, ApiError> {
        self.case_op(move |db, _, ctx| accept::accept_received(db, ctx, input))
            .await
    }

    /// 一次性告知 (art. 32 (4)).
    pub async fn request_supplement(
        &self,
        input: SupplementNoticeInput,
    ) -> Result<CaseDetail, ApiError> {
        self.case_op(move |db, _, ctx| supplement::request_supplement(db, ctx, input))
            .await
    }

    /// The complete supplement arrived.
    pub async fn record_supplement(&self, input: SupplementInput) -> Result<CaseDetail, ApiError> {
        self.case_op(move |db, dir, ctx| supplement::record_supplement(db, dir, ctx, input))
            .await
    }

    /// 不予受理 (art. 32 (1), (2)).
    pub async fn reject(&self, input: RejectInput) -> Result<CaseDetail, ApiError> {
        self.case_op(move |db, _, ctx| reject::reject(db, ctx, input))
            .await
    }

    /// 即办件: received, accepted and decided on the spot.
    pub async fn complete_instantly(&self, input: NewCaseInput) -> Result<CaseDetail, ApiError> {
        self.case_op(move |db, dir, ctx| instant::complete_instantly(db, dir, ctx, input))
            .await
    }

    pub async fn withdraw(&self, input: WithdrawInput) -> Result<CaseDetail, ApiError> {
        self.case_op(move |db, _, ctx| withdraw::withdraw(db, ctx, input))
            .await
    }

    /// Imports a scan or photo and links it to a material slot of a case.
    pub async fn import_attachment(
        &self,
        input: ImportAttachmentInput,
    ) -> Result<AttachmentRef, ApiError> {
        let ctx = self.ctx();
        let out = self
            .store()
            .await?
            .run(move |db, dir| Ok(attachments::import_attachment(db, dir, &ctx, input)?.0))
            .await?;
        self.after_write();
        Ok(out)
    }

    pub async fn case_detail(&self, case_id: String) -> Result<CaseDetail, ApiError> {
        let ctx = self.ctx();
        let out = self
            .store()
            .await?
            .run(move |db, _| queries::case_detail(db, &ctx, &case_id))
            .await?;
        Ok(out)
    }

    pub async fn cases_today(&self) -> Result<Vec<CaseSummary>, ApiError> {
        let ctx = self.ctx();
        Ok(self
            .store()
            .await?
            .run(move |db, _| queries::today(db, &ctx))
            .await?)
    }

    /// 黄牌 cases.
    pub async fn cases_due_soon(&self) -> Result<Vec<CaseSummary>, ApiError> {
        let ctx = self.ctx();
        Ok(self
            .store()
            .await?
            .run(move |db, _| queries::due_soon(db, &ctx))
            .await?)
    }

    /// 红牌 cases.
    pub async fn cases_overdue(&self) -> Result<Vec<CaseSummary>, ApiError> {
        let ctx = self.ctx();
        Ok(self
            .store()
            .await?
            .run(move |db, _| queries::overdue(db, &ctx))
            .await?)
    }

    pub async fn cases_unsynced(&self) -> Result<Vec<CaseSummary>, ApiError> {
        Ok(self
            .store()
            .await?
            .run(|db, _| queries::unsynced(db))
            .await?)
    }

    /// Checks the case's timeline hash chain; `Err` names the first edited or missing entry.
    pub async fn verify_case(&self, case_id: String) -> Result<Result<(), ChainBreak>, ApiError> {
        Ok(self
            .store()
            .await?
            .run(move |db, _| queries::verify(db, &case_id))
            .await?)
    }
}
