//! The ID/LEN/VALUE layer: two-digit tags, two-digit lengths counted in characters.

use std::fmt;

/// One data object: a two-digit tag and its value, borrowed from the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataObject<'a> {
    /// Tag 0..=99.
    pub tag: u8,
    /// The value (for templates, the nested TLV text).
    pub value: &'a str,
    /// Character offset of the tag within the whole payload.
    pub offset: usize,
}

impl<'a> DataObject<'a> {
    /// The nested data objects of a template value.
    pub fn children(&self) -> TlvIter<'a> {
        TlvIter::new(self.value, self.offset + 4)
    }

    /// The value of nested sub-tag `sub`, if the template holds one (first wins).
    pub fn sub(&self, sub: u8) -> Option<&'a str> {
        self.children().map_while(Result::ok).find(|o| o.tag == sub).map(|o| o.value)
    }

    /// The nested data objects, read once into a stack array (no allocation).
    pub fn parse_children(&self) -> Children<'a> {
        let mut out =
            Children { items: [DataObject { tag: 0, value: "", offset: 0 }; MAX_CHILDREN], len: 0, complete: true };
        for child in self.children() {
            match child {
                Ok(c) if out.len < MAX_CHILDREN => {
                    out.items[out.len] = c;
                    out.len += 1;
                }
                _ => {
                    out.complete = false;
                    break;
                }
            }
        }
        out
    }

    /// The tag as the two digits the payload carries.
    pub fn tag_str(&self) -> String {
        format!("{:02}", self.tag)
    }
}

/// A 99-character value holds at most 19 objects of five characters or more.
const MAX_CHILDREN: usize = 20;

/// The children of a template, parsed once.
#[derive(Debug, Clone, Copy)]
pub struct Children<'a> {
    items: [DataObject<'a>; MAX_CHILDREN],
    len: usize,
    complete: bool,
}

impl<'a> Children<'a> {
    /// The value of the first child with `tag`.
    pub fn get(&self, tag: u8) -> Option<&'a str> {
        self.items[..self.len].iter().find(|o| o.tag == tag).map(|o| o.value)
    }

    /// The children in order.
    pub fn iter(&self) -> impl Iterator<Item = &DataObject<'a>> {
        self.items[..self.len].iter()
    }

    /// True when the whole value parsed as TLV (raw unreserved values do not).
    pub fn is_complete(&self) -> bool {
        self.complete
    }
}

/// Why the TLV structure could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlvErrorKind {
    /// The four characters of ID and length are not all digits.
    BadHeader {
        /// What stood there instead (up to four characters).
        found: String,
    },
    /// The declared length runs past the end of the enclosing value.
    Truncated {
        /// Declared length in characters.
        declared: usize,
        /// Characters left.
        available: usize,
    },
}

/// A structural error with the character offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TlvError {
    /// Character offset in the whole payload.
    pub offset: usize,
    /// The tag being read, when its two digits were readable.
    pub tag: Option<u8>,
    /// What was wrong.
    pub kind: TlvErrorKind,
}

impl fmt::Display for TlvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TlvErrorKind::BadHeader { found } => {
                write!(f, "non-numeric id/length {found:?} at offset {}", self.offset)
            }
            TlvErrorKind::Truncated { declared, available } => write!(
                f,
                "tag {:02} at offset {} declares {declared} characters but only {available} remain",
                self.tag.unwrap_or(0),
                self.offset
            ),
        }
    }
}

/// Iterates the data objects of one TLV level; stops after the first error.
#[derive(Debug, Clone)]
pub struct TlvIter<'a> {
    rest: &'a str,
    offset: usize,
    ascii: bool,
    failed: bool,
}

impl<'a> TlvIter<'a> {
    /// Reads `text`, whose first character sits at character `offset` of the payload.
    pub fn new(text: &'a str, offset: usize) -> TlvIter<'a> {
        TlvIter { rest: text, offset, ascii: text.is_ascii(), failed: false }
    }

    fn fail(&mut self, tag: Option<u8>, kind: TlvErrorKind) -> Option<Result<DataObject<'a>, TlvError>> {
        self.failed = true;
        Some(Err(TlvError { offset: self.offset, tag, kind }))
    }
}

impl<'a> Iterator for TlvIter<'a> {
    type Item = Result<DataObject<'a>, TlvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let head = self.rest.as_bytes();
        if head.len() < 4 || !head[..4].iter().all(u8::is_ascii_digit) {
            let found: String = self.rest.chars().take(4).collect();
            let tag = (head.len() >= 2 && head[..2].iter().all(u8::is_ascii_digit))
                .then(|| (head[0] - b'0') * 10 + (head[1] - b'0'));
            return self.fail(tag, TlvErrorKind::BadHeader { found });
        }
        let tag = (head[0] - b'0') * 10 + (head[1] - b'0');
        let len = usize::from((head[2] - b'0') * 10 + (head[3] - b'0'));
        let body = &self.rest[4..];
        let end = if self.ascii { (len <= body.len()).then_some(len) } else { char_boundary_after(body, len) };
        let Some(end) = end else {
            let available = if self.ascii { body.len() } else { body.chars().count() };
            return self.fail(Some(tag), TlvErrorKind::Truncated { declared: len, available });
        };
        let object = DataObject { tag, value: &body[..end], offset: self.offset };
        self.rest = &body[end..];
        self.offset += 4 + len;
        Some(Ok(object))
    }
}

/// Byte index just after the first `n` characters of `s`, or `None` if `s` is shorter.
fn char_boundary_after(s: &str, n: usize) -> Option<usize> {
    let mut count = 0;
    for (i, _) in s.char_indices() {
        if count == n {
            return Some(i);
        }
        count += 1;
    }
    (count == n).then_some(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &str) -> Result<Vec<(u8, &str, usize)>, TlvError> {
        TlvIter::new(s, 0).map(|r| r.map(|o| (o.tag, o.value, o.offset))).collect()
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let objs = all("64200002ZH0104最佳运输0202北京5303156").unwrap();
        assert_eq!(objs[0], (64, "0002ZH0104最佳运输0202北京", 0));
        assert_eq!(objs[1], (53, "156", 24));
        let nested: Vec<_> = TlvIter::new(objs[0].1, 4).map(|r| r.unwrap().value).collect();
        assert_eq!(nested, ["ZH", "最佳运输", "北京"]);
    }

    #[test]
    fn structural_errors_carry_offset_and_tag() {
        let err = all("0002015999あい").unwrap_err();
        assert_eq!(err.offset, 6);
        assert_eq!(err.tag, Some(59));
        assert_eq!(err.kind, TlvErrorKind::Truncated { declared: 99, available: 2 });
        let err = all("000201ab12").unwrap_err();
        assert_eq!((err.offset, err.tag), (6, None));
        assert_eq!(err.to_string(), "non-numeric id/length \"ab12\" at offset 6");
        assert!(all("000").is_err());
    }

    #[test]
    fn zero_length_values_are_read_as_empty() {
        assert_eq!(all("80006304ABCD").unwrap(), vec![(80, "", 0), (63, "ABCD", 4)]);
    }
}
