//! BER-TLV as EMV uses it: multi-byte tags, definite lengths up to two bytes.

use std::fmt;

/// One BER-TLV object, borrowed from the decoded bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BerObject<'a> {
    /// The tag bytes as a number (`0x9F26`).
    pub tag: u32,
    /// The value bytes.
    pub value: &'a [u8],
    /// Byte offset of the tag in the decoded payload.
    pub offset: usize,
}

impl BerObject<'_> {
    /// True when bit 6 of the first tag byte marks a constructed (template) object.
    pub fn is_constructed(&self) -> bool {
        let first = if self.tag > 0xFFFF {
            self.tag >> 16
        } else if self.tag > 0xFF {
            self.tag >> 8
        } else {
            self.tag
        };
        first & 0x20 != 0
    }
}

impl fmt::Debug for BerObject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be account data: show only their length.
        write!(f, "BerObject({:X}, {} bytes @{})", self.tag, self.value.len(), self.offset)
    }
}

/// A BER-TLV structure error with its byte offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("BER-TLV error at byte {offset}: {reason}")]
pub struct BerError {
    /// Byte offset in the decoded payload.
    pub offset: usize,
    /// What is wrong.
    pub reason: &'static str,
}

/// Appends one object: tag bytes as written in the number (`0x9F26` → 9F 26), definite length.
pub fn encode(tag: u32, value: &[u8], out: &mut Vec<u8>) {
    let tag_bytes = tag.to_be_bytes();
    let skip = tag_bytes.iter().take_while(|b| **b == 0).count().min(3);
    out.extend_from_slice(&tag_bytes[skip..]);
    match value.len() {
        n @ 0..=0x7F => out.push(n as u8),
        n @ 0x80..=0xFF => out.extend_from_slice(&[0x81, n as u8]),
        n => out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(value);
}

/// Reads every object of one level of `bytes` (whose first byte sits at `base`).
pub fn parse(bytes: &[u8], base: usize) -> Result<Vec<BerObject<'_>>, BerError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let err = |reason| BerError { offset: base + start, reason };
        let mut tag = u32::from(bytes[i]);
        i += 1;
        if tag & 0x1F == 0x1F {
            loop {
                let b = *bytes.get(i).ok_or_else(|| err("tag runs past the end"))?;
                i += 1;
                if tag > 0xFF_FF {
                    return Err(err("tag longer than three bytes"));
                }
                tag = (tag << 8) | u32::from(b);
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        let first = *bytes.get(i).ok_or_else(|| err("length missing"))?;
        i += 1;
        let len = match first {
            0..=0x7F => usize::from(first),
            0x81 => {
                let l = *bytes.get(i).ok_or_else(|| err("length runs past the end"))?;
                i += 1;
                usize::from(l)
            }
            0x82 => {
                let hi = *bytes.get(i).ok_or_else(|| err("length runs past the end"))?;
                let lo = *bytes.get(i + 1).ok_or_else(|| err("length runs past the end"))?;
                i += 2;
                usize::from(hi) << 8 | usize::from(lo)
            }
            _ => return Err(err("unsupported length form")),
        };
        let value = bytes.get(i..i + len).ok_or_else(|| err("value runs past the end"))?;
        out.push(BerObject { tag, value, offset: base + start });
        i += len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_multi_byte_tags_and_long_lengths() {
        let mut bytes = vec![0x9F, 0x26, 0x02, 0xAB, 0xCD, 0x63, 0x81, 0x80];
        bytes.extend([0u8; 0x80]);
        let objs = parse(&bytes, 0).unwrap();
        assert_eq!((objs[0].tag, objs[0].value), (0x9F26, &[0xAB, 0xCD][..]));
        assert_eq!((objs[1].tag, objs[1].value.len(), objs[1].offset), (0x63, 0x80, 5));
        assert!(objs[1].is_constructed() && !objs[0].is_constructed());
    }

    #[test]
    fn encoding_reads_back() {
        let mut out = Vec::new();
        encode(0x9F26, &[1, 2], &mut out);
        encode(0x63, &[0u8; 200], &mut out);
        let objs = parse(&out, 0).unwrap();
        assert_eq!(&out[..5], &[0x9F, 0x26, 0x02, 1, 2]);
        assert_eq!((objs[1].tag, objs[1].value.len()), (0x63, 200));
    }

    #[test]
    fn truncation_is_an_error_with_offset() {
        assert_eq!(parse(&[0x5A, 0x05, 1, 2], 10), Err(BerError { offset: 10, reason: "value runs past the end" }));
        assert!(parse(&[0x9F], 0).is_err());
        assert!(parse(&[0x5A, 0x83, 0, 0, 1], 0).is_err());
    }
}
