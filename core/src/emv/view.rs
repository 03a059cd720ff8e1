//! A borrowed, validated view of a merchant-presented payload: root objects plus CRC status.

use super::{crc16, is_template_tag, DataObject, TlvError, TlvIter};

/// How the payload's CRC (tag 63) checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrcCheck {
    /// The CRC matches (compared case-insensitively).
    Valid,
    /// The CRC does not match the payload.
    Mismatch {
        /// The CRC the code carries.
        found: String,
        /// The CRC computed over the payload.
        computed: String,
    },
    /// There is no tag 63.
    Missing,
    /// Tag 63 is present but is not the last object, or is not four characters.
    Misplaced,
}

/// Why a payload is not a readable merchant-presented code at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MpmError {
    /// The TLV structure is broken.
    #[error("malformed TLV: {0}")]
    Malformed(#[from] TlvError),
    /// The first data object is not the payload format indicator (tag 00).
    #[error("first data object is not the payload format indicator (00)")]
    MissingPayloadFormatIndicator,
}

/// The root data objects of a structurally sound merchant-presented payload.
#[derive(Debug, Clone)]
pub struct MpmView<'a> {
    payload: &'a str,
    objects: Vec<DataObject<'a>>,
    crc: CrcCheck,
}

impl<'a> MpmView<'a> {
    /// Reads the TLV tree (root and templates) strictly and checks the CRC; business rules are left to the caller.
    pub fn parse(payload: &'a str) -> Result<MpmView<'a>, MpmError> {
        let mut objects = Vec::with_capacity(24);
        for object in TlvIter::new(payload, 0) {
            let object = object?;
            // Unreserved tags 80-99 are templates by the spec, but real codes put raw values
            // there (DuitNow's hash in 82, TrueMoney's UTF-16 message in 81): read those lazily.
            if is_template_tag(object.tag) && object.tag < 80 {
                for child in object.children() {
                    child?;
                }
            }
            objects.push(object);
        }
        if objects.first().map(|o| o.tag) != Some(0) {
            return Err(MpmError::MissingPayloadFormatIndicator);
        }
        let crc = check_crc(payload, &objects);
        Ok(MpmView { payload, objects, crc })
    }

    /// The payload text.
    pub fn payload(&self) -> &'a str {
        self.payload
    }

    /// Root data objects in payload order.
    pub fn objects(&self) -> &[DataObject<'a>] {
        &self.objects
    }

    /// The first root object with `tag`.
    pub fn get(&self, tag: u8) -> Option<&DataObject<'a>> {
        self.objects.iter().find(|o| o.tag == tag)
    }

    /// The value of the first root object with `tag`.
    pub fn value(&self, tag: u8) -> Option<&'a str> {
        self.get(tag).map(|o| o.value)
    }

    /// The CRC status.
    pub fn crc(&self) -> &CrcCheck {
        &self.crc
    }
}

fn check_crc(payload: &str, objects: &[DataObject<'_>]) -> CrcCheck {
    let Some(position) = objects.iter().position(|o| o.tag == 63) else {
        return CrcCheck::Missing;
    };
    let crc = &objects[position];
    if position + 1 != objects.len() || crc.value.len() != 4 {
        return CrcCheck::Misplaced;
    }
    // The value is the payload's last four bytes; the CRC covers everything before it, "6304" included.
    let covered = &payload.as_bytes()[..payload.len() - 4];
    let computed = crc16(covered);
    if u16::from_str_radix(crc.value, 16).ok() == Some(computed) && crc.value.bytes().all(|b| b.is_ascii_hexdigit()) {
        CrcCheck::Valid
    } else {
        CrcCheck::Mismatch { found: crc.value.to_owned(), computed: format!("{computed:04X}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_compared_case_insensitively_and_reported_with_both_values() {
        let ok = "000201010211520400005303764540510.005802TH6304";
        let crc = crate::emv::crc16_hex(ok.as_bytes());
        let upper = format!("{ok}{crc}");
        let lower = format!("{ok}{}", crc.to_lowercase());
        assert_eq!(MpmView::parse(&upper).unwrap().crc(), &CrcCheck::Valid);
        assert_eq!(MpmView::parse(&lower).unwrap().crc(), &CrcCheck::Valid);
        let bad = format!("{ok}0000");
        assert_eq!(MpmView::parse(&bad).unwrap().crc(), &CrcCheck::Mismatch { found: "0000".into(), computed: crc });
    }

    #[test]
    fn missing_and_misplaced_crc_are_told_apart() {
        assert_eq!(MpmView::parse("0002015802TH").unwrap().crc(), &CrcCheck::Missing);
        assert!(matches!(MpmView::parse("00020163041234").unwrap().crc(), CrcCheck::Mismatch { .. }));
        assert_eq!(MpmView::parse("000201630412345802TH").unwrap().crc(), &CrcCheck::Misplaced);
    }

    #[test]
    fn first_object_must_be_the_format_indicator() {
        assert_eq!(MpmView::parse("01021100020163041234").unwrap_err(), MpmError::MissingPayloadFormatIndicator);
    }

    #[test]
    fn broken_templates_are_structural_errors() {
        let err = MpmView::parse("00020126080010SG.P").unwrap_err();
        assert!(matches!(err, MpmError::Malformed(TlvError { offset: 10, .. })), "{err:?}");
    }
}
