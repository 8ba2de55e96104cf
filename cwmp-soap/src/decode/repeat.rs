//! A single-valued element repeated inside its struct (real captures show two `EventCode` in
//! one `EventStruct`): never silently one of them. Lists are joined (both fit the message);
//! for anything else the first is kept and a warning names the element and what was dropped.

use cwmp_types::{
    DateTimeField, DeviceIdStruct, EventCode, FaultCode, FaultStruct, ParameterName, ParameterValue,
};

use super::reader::{Elem, Parser, Result};
use crate::{DecodeErrorKind, WarningKind};

/// How a field takes a second value.
pub(super) trait Repeated: Sized {
    /// Adds `other` to `self` if the field can hold both (returns whether it did).
    fn join(&mut self, _other: &mut Self) -> bool {
        false
    }

    /// How many items the field holds (for the array limit).
    fn items(&self) -> usize {
        1
    }
}

impl<T> Repeated for Vec<T> {
    fn join(&mut self, other: &mut Self) -> bool {
        self.append(other);
        true
    }

    fn items(&self) -> usize {
        self.len()
    }
}

macro_rules! single_valued {
    ($($t:ty),* $(,)?) => { $( impl Repeated for $t {} )* };
}
single_valued!(
    String,
    ParameterName,
    ParameterValue,
    bool,
    u32,
    i32,
    DateTimeField,
    Option<DateTimeField>,
    EventCode,
    FaultCode,
    FaultStruct,
    DeviceIdStruct,
);

/// Longest excerpt of a dropped element quoted in a warning, in characters.
const EXCERPT: usize = 64;

impl<'a> Parser<'a, '_> {
    /// A repeated `name` (its start tag at `at`, read up to here into `value`) for `field`,
    /// which already holds the first: joined when the field holds both, else dropped; a
    /// warning either way.
    pub(super) fn repeated<T: Repeated>(
        &mut self,
        name: &str,
        at: u64,
        field: &mut T,
        mut value: T,
    ) -> Result<()> {
        if field.join(&mut value) {
            if field.items() > self.opts.max_array_items {
                return Err(Self::err(DecodeErrorKind::TooManyItems, at));
            }
            let ctx = format!("{name}: repeated, the items of both kept");
            self.warn(WarningKind::RepeatedElement, at, &ctx);
            return Ok(());
        }
        let ctx = format!("{name}: the first kept, dropped {}", self.excerpt(at));
        self.warn(WarningKind::RepeatedElement, at, &ctx);
        Ok(())
    }

    /// A repeated single-valued element the first of which is kept: skipped, with a warning
    /// naming it and what was dropped.
    pub(super) fn drop_repeated(&mut self, e: Elem<'a>) -> Result<()> {
        let at = e.offset;
        let name = e.local().to_owned();
        self.skip(e)?;
        let ctx = format!("{name}: the first kept, dropped {}", self.excerpt(at));
        self.warn(WarningKind::RepeatedElement, at, &ctx);
        Ok(())
    }

    /// The source from `at` to what was read last, on one line and at most [`EXCERPT`]
    /// characters long.
    pub(super) fn excerpt(&self, at: u64) -> String {
        let src = self.source();
        let from = usize::try_from(at).unwrap_or(usize::MAX).min(src.len());
        let to = usize::try_from(self.position())
            .unwrap_or(usize::MAX)
            .clamp(from, src.len());
        let text = src.get(from..to).unwrap_or_default();
        let mut out: String = text
            .chars()
            .take(EXCERPT)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if text.chars().nth(EXCERPT).is_some() {
            out.push('…');
        }
        out
    }
}
