//! The byte writer: escaping, integers and dateTimes straight into the output buffer.

use cwmp_types::{DateTime, DateTimeField};

use crate::{BooleanStyle, EncodeError};

/// What a byte of text needs: nothing, an entity, a check, or an error.
const PLAIN: u8 = 0;
/// `<`, `>`, `&` or `\r`: written as an entity or character reference.
const ESCAPE: u8 = 1;
/// A C0 control other than tab, line feed and carriage return: XML 1.0 cannot carry it.
const FORBIDDEN: u8 = 2;
/// `0xEF`: the lead byte of U+FFFE and U+FFFF (which XML forbids) among other characters.
const LEAD_EF: u8 = 3;

static CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = FORBIDDEN;
        i += 1;
    }
    t[b'\t' as usize] = PLAIN;
    t[b'\n' as usize] = PLAIN;
    t[b'\r' as usize] = ESCAPE;
    t[b'<' as usize] = ESCAPE;
    t[b'>' as usize] = ESCAPE;
    t[b'&' as usize] = ESCAPE;
    t[0xEF] = LEAD_EF;
    t
};

/// Where the first character XML 1.0 cannot carry (C0 controls other than tab, line feed and
/// carriage return; U+FFFE; U+FFFF) is in `s`, if any. Surrogates cannot occur in a `str`.
pub(crate) fn forbidden_char_at(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .position(|(i, &c)| match CLASS[usize::from(c)] {
            FORBIDDEN => true,
            LEAD_EF => is_fffe_ffff(b, i),
            _ => false,
        })
}

/// Whether the UTF-8 sequence starting at `b[i] == 0xEF` is U+FFFE or U+FFFF.
#[inline]
fn is_fffe_ffff(b: &[u8], i: usize) -> bool {
    b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF))
}

/// Appends XML to the caller's buffer.
pub(super) struct Writer<'a> {
    out: &'a mut Vec<u8>,
    words: bool,
}

impl<'a> Writer<'a> {
    pub(super) fn new(out: &'a mut Vec<u8>, booleans: BooleanStyle) -> Self {
        Self {
            out,
            words: matches!(booleans, BooleanStyle::Words),
        }
    }

    /// Markup written as is.
    #[inline]
    pub(super) fn raw(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    /// Character data: `<` `>` `&` as entities, `\r` as `&#13;` (so it is not normalised
    /// away by the reader), characters XML cannot carry rejected.
    ///
    /// Every attribute value the encoder writes is fixed text, a number or a checked XML
    /// name, so no attribute escaping is needed.
    pub(super) fn text(&mut self, s: &str, field: &'static str) -> Result<(), EncodeError> {
        let b = s.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let replacement: &[u8] = match CLASS[usize::from(c)] {
                PLAIN => {
                    i += 1;
                    continue;
                }
                ESCAPE => match c {
                    b'<' => b"&lt;",
                    b'>' => b"&gt;",
                    b'&' => b"&amp;",
                    _ => b"&#13;",
                },
                LEAD_EF if is_fffe_ffff(b, i) => {
                    return Err(EncodeError::InvalidXmlChar { field });
                }
                LEAD_EF => {
                    i += 1;
                    continue;
                }
                _ => return Err(EncodeError::InvalidXmlChar { field }),
            };
            self.out.extend_from_slice(&b[start..i]);
            self.out.extend_from_slice(replacement);
            i += 1;
            start = i;
        }
        self.out.extend_from_slice(&b[start..]);
        Ok(())
    }

    /// An unsigned integer in decimal.
    #[inline]
    pub(super) fn uint(&mut self, v: u64) {
        self.padded(v, 1);
    }

    /// A signed integer in decimal.
    #[inline]
    pub(super) fn int(&mut self, v: i64) {
        if v < 0 {
            self.out.push(b'-');
        }
        self.padded(v.unsigned_abs(), 1);
    }

    /// `v` in decimal with at least `width` digits (zero-padded), without allocating.
    fn padded(&mut self, mut v: u64, width: usize) {
        let mut buf = [b'0'; 20];
        let mut i = buf.len();
        while v >= 10 {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        i -= 1;
        buf[i] = b'0' + v as u8;
        let start = i.min(buf.len() - width.min(buf.len()));
        self.out.extend_from_slice(&buf[start..]);
    }

    /// A boolean in the configured style.
    #[inline]
    pub(super) fn boolean(&mut self, v: bool) {
        self.raw(match (v, self.words) {
            (true, false) => "1",
            (false, false) => "0",
            (true, true) => "true",
            (false, true) => "false",
        });
    }

    /// A dateTime field: a valid one exactly as its `Display` writes it (fraction only when
    /// it has one), an invalid one as its text.
    pub(super) fn date_time_field(
        &mut self,
        d: &DateTimeField,
        field: &'static str,
    ) -> Result<(), EncodeError> {
        match d {
            DateTimeField::Valid(d) => {
                self.date_time(d);
                Ok(())
            }
            DateTimeField::Invalid(s) => self.text(s, field),
            // A future variant: its Display form, escaped.
            #[allow(unreachable_patterns)]
            other => self.text(&other.to_string(), field),
        }
    }

    /// A dateTime, byte for byte what `Display` gives.
    pub(super) fn date_time(&mut self, d: &DateTime) {
        self.padded(u64::from(d.year), 4);
        self.out.push(b'-');
        self.padded(u64::from(d.month), 2);
        self.out.push(b'-');
        self.padded(u64::from(d.day), 2);
        self.out.push(b'T');
        self.padded(u64::from(d.hour), 2);
        self.out.push(b':');
        self.padded(u64::from(d.minute), 2);
        self.out.push(b':');
        self.padded(u64::from(d.second), 2);
        if d.fraction_digits > 0 {
            self.out.push(b'.');
            let mut digits = [b'0'; 9];
            let mut n = d.nanosecond;
            for slot in digits.iter_mut().rev() {
                *slot = b'0' + (n % 10) as u8;
                n /= 10;
            }
            // `{:09}` of a value ≥ 10^9 has more digits; Display keeps the leading ones.
            if n > 0 {
                let text = format!("{:09}", d.nanosecond);
                let k = usize::from(d.fraction_digits.min(9));
                self.out.extend_from_slice(&text.as_bytes()[..k]);
            } else {
                self.out
                    .extend_from_slice(&digits[..usize::from(d.fraction_digits.min(9))]);
            }
        }
        match d.offset_minutes {
            None => {}
            Some(0) => self.out.push(b'Z'),
            Some(m) => {
                self.out.push(if m < 0 { b'-' } else { b'+' });
                let m = m.unsigned_abs();
                self.padded(u64::from(m / 60), 2);
                self.out.push(b':');
                self.padded(u64::from(m % 60), 2);
            }
        }
    }
}
