//! The voucher signature: it verifies for the data printed, and fails after any one change.

mod common;

use common::*;
use onestop_domain::Coded;
use onestop_receipt::*;

fn signed(v: &Voucher) -> String {
    renderer()
        .render(v, &key(), RenderOptions::default())
        .expect("render")
        .signature
}

#[test]
fn the_signature_verifies_and_fails_after_one_changed_field() {
    let pk = key().verifying_key();
    for v in all_kinds() {
        let sig = signed(&v);
        assert_eq!(sig.len(), 86);
        let hash = content_hash_of(&v);
        verify(pk.as_bytes(), &v.number, SignedContent::Hash(&hash), &sig).expect("hash form");
        verify(
            pk.as_bytes(),
            &v.number,
            SignedContent::Fields(&PrintedFields::of(&v)),
            &sig,
        )
        .expect("fields form");

        // One field changed.
        let mut changed = v.clone();
        match &mut changed.body {
            VoucherBody::Acceptance(b) => b.promised_date = day(29),
            VoucherBody::Correction(b) => b.corrections[0].requirement.push('。'),
            VoucherBody::Refusal(b) => b.reason = "材料不全".into(),
            VoucherBody::MaterialReceipt(b) => b.materials[0].copies += 1,
            VoucherBody::ProxyAuthorisation(b) => b.valid_until = day(30),
        }
        let err = verify(
            pk.as_bytes(),
            &v.number,
            SignedContent::Voucher(&changed),
            &sig,
        )
        .expect_err("changed field must fail");
        assert_eq!(err, VerifyError::BadSignature);
        assert_eq!(err.code(), "receipt.bad_signature");

        // The applicant's name changed.
        let mut renamed = v.clone();
        renamed.agency = "某某县人民政府".into();
        assert!(verify(
            pk.as_bytes(),
            &v.number,
            SignedContent::Voucher(&renamed),
            &sig
        )
        .is_err());
    }
}

#[test]
fn another_number_or_key_or_a_mangled_signature_fails() {
    let v = receipt();
    let sig = signed(&v);
    let pk = key().verifying_key();
    let other_number = onestop_domain::numbering::AcceptanceNumber::new(
        &onestop_domain::ids::DivisionCode::parse("990101").expect("div"),
        onestop_domain::numbering::TerminalCode::new(12).expect("t"),
        day(28),
        8,
    )
    .expect("number");
    assert_eq!(
        verify(
            pk.as_bytes(),
            &other_number,
            SignedContent::Voucher(&v),
            &sig
        ),
        Err(VerifyError::BadSignature)
    );
    let other_key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]).verifying_key();
    assert_eq!(
        verify(
            other_key.as_bytes(),
            &v.number,
            SignedContent::Voucher(&v),
            &sig
        ),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(
        verify(
            pk.as_bytes(),
            &v.number,
            SignedContent::Voucher(&v),
            "not base64!"
        ),
        Err(VerifyError::MalformedSignature)
    );
    assert_eq!(
        verify(&[1, 2, 3], &v.number, SignedContent::Voucher(&v), &sig),
        Err(VerifyError::BadPublicKey)
    );
}

#[test]
fn the_printed_id_is_masked_and_the_hash_covers_the_masked_form() {
    let f = PrintedFields::of(&receipt());
    assert_eq!(f.scalars["applicant_id"], ID_MASKED);
    assert!(!serde_json::to_string(&f).expect("json").contains(ID));
}
