//! Prometheus metrics, kept in a recorder owned by the `AppState` rather than a process-global
//! one: tests and the load benchmark run several servers in one process, and each must count
//! only its own traffic. Handlers record through the small methods below; `render` writes the
//! text exposition format for `GET /metrics`.

use std::time::Duration;

use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use onestop_protocol::OpOutcome;

/// Every metric name the server exports (documented in docs/protocol.md §11).
pub mod name {
    pub const HTTP_REQUESTS: &str = "onestop_http_requests_total";
    pub const HTTP_DURATION: &str = "onestop_http_request_duration_seconds";
    pub const OPS_INGESTED: &str = "onestop_ops_ingested_total";
    pub const CHANGES_SERVED: &str = "onestop_changes_served_total";
    pub const UPLOADS_PENDING: &str = "onestop_uploads_pending";
    pub const CHANGE_LOG_HEAD: &str = "onestop_change_log_head";
}

/// Latency buckets in seconds: 1 ms to 10 s, dense where the polling goal (50 ms) sits.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// `2xx`, `4xx`, … : the status class label keeps the series count small.
pub fn status_class(status: u16) -> &'static str {
    match status / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    pub fn new() -> Self {
        // The buckets are constant and non-empty, so this cannot fail; fall back to summaries
        // rather than panic if a future version ever refuses them.
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(name::HTTP_DURATION.into()), LATENCY_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        let m = Metrics { recorder, handle };
        m.with(|| {
            metrics::describe_counter!(
                name::HTTP_REQUESTS,
                "HTTP requests by matched route, method and status class"
            );
            metrics::describe_histogram!(
                name::HTTP_DURATION,
                metrics::Unit::Seconds,
                "HTTP request latency by matched route, method and status class"
            );
            metrics::describe_counter!(
                name::OPS_INGESTED,
                "Pushed ops by outcome (applied, replayed, rejected)"
            );
            metrics::describe_counter!(
                name::CHANGES_SERVED,
                "Change-log rows served by GET /v1/changes"
            );
            metrics::describe_gauge!(name::UPLOADS_PENDING, "Attachment uploads not yet complete");
            metrics::describe_gauge!(name::CHANGE_LOG_HEAD, "Highest change-log seq written");
            // Present from the first scrape, so a dashboard can tell 0 from missing.
            for outcome in ["applied", "replayed", "rejected"] {
                metrics::counter!(name::OPS_INGESTED, "outcome" => outcome).absolute(0);
            }
            metrics::counter!(name::CHANGES_SERVED).absolute(0);
        });
        m
    }

    fn with<T>(&self, f: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(&self.recorder, f)
    }

    /// One finished HTTP request. `route` is the matched route template (never the raw path, so
    /// ids do not become series), or `unmatched`.
    pub fn request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let labels = [
            ("route", route.to_string()),
            ("method", method.to_string()),
            ("status_class", status_class(status).to_string()),
        ];
        self.with(|| {
            metrics::counter!(name::HTTP_REQUESTS, &labels).increment(1);
            metrics::histogram!(name::HTTP_DURATION, &labels).record(elapsed.as_secs_f64());
        });
    }

    /// The outcomes of one push.
    pub fn ops(&self, outcomes: impl IntoIterator<Item = OpOutcome>) {
        let (mut applied, mut replayed, mut rejected) = (0u64, 0u64, 0u64);
        for o in outcomes {
            match o {
                OpOutcome::Applied => applied += 1,
                OpOutcome::Replayed => replayed += 1,
                OpOutcome::Rejected => rejected += 1,
            }
        }
        self.with(|| {
            for (outcome, n) in [
                ("applied", applied),
                ("replayed", replayed),
                ("rejected", rejected),
            ] {
                if n > 0 {
                    metrics::counter!(name::OPS_INGESTED, "outcome" => outcome).increment(n);
                }
            }
        });
    }

    pub fn changes_served(&self, rows: usize) {
        self.with(|| metrics::counter!(name::CHANGES_SERVED).increment(rows as u64));
    }

    /// The text exposition, with the queue gauges set from the store just before.
    pub fn render(&self, pending_uploads: u64, change_log_head: u64) -> String {
        self.with(|| {
            metrics::gauge!(name::UPLOADS_PENDING).set(pending_uploads as f64);
            metrics::gauge!(name::CHANGE_LOG_HEAD).set(change_log_head as f64);
        });
        self.handle.render()
    }

    /// Drains histogram samples into their buckets; `serve` runs it every few seconds so memory
    /// stays flat between scrapes.
    pub fn upkeep(&self) {
        self.handle.run_upkeep();
    }
}
