//! The vouchers a window must hand out by law (行政许可法 art. 32): 受理通知书, 补正材料通知书,
//! 不予受理通知书, 材料接收凭证 and 代办委托书, rendered as A4 PDFs with an embedded CJK font
//! subset, a QR code and a device signature, and printed through the operating system's print
//! system. It turns data it is given into paper; it reads no database and makes no decision about
//! a case (that is `onestop-domain` and `onestop-desk`).
