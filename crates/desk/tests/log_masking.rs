//! A log line that carries a citizen's ID or phone number reaches the daily log file masked.

use std::fs;

#[test]
fn id_and_phone_numbers_are_masked_in_the_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let guard = onestop_desk::logging::init(&logs).unwrap();
    tracing::info!(
        "registered applicant 110101199003071233 phone 13812345678 for item 事项A, agent 51010420010101037x"
    );
    drop(guard); // flushes the background writer

    let files: Vec<_> = fs::read_dir(&logs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "one file for today: {files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("onestop.") && name.ends_with(".log"),
        "{name}"
    );

    let text = fs::read_to_string(&files[0]).unwrap();
    assert!(
        text.contains("registered applicant"),
        "the line was written: {text}"
    );
    assert!(text.contains("事项A"), "ordinary text survives: {text}");
    for secret in [
        "110101199003071233",
        "13812345678",
        "51010420010101037x",
        "0101199003",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the log: {text}"
        );
    }
    assert!(
        text.contains("1233"),
        "the tail stays so clerks can tell records apart: {text}"
    );
}
