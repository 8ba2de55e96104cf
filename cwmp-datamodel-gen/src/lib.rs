//! # cwmp-datamodel-gen
//!
//! Turns a Broadband Forum CWMP data model definition (`*-full.xml` in the
//! `urn:broadband-forum-org:cwmp:datamodel-1-*` schema that TR-106 describes) into the compact
//! schema text that `cwmp-datamodel` embeds and parses at start-up.
//!
//! Kept: every object and parameter of the `<model>` with access, type (every TR-106 primitive;
//! named data types resolved through their `base` chain to the primitive, their facets merged,
//! the data type's name kept), ranges, enumerations (read-only values marked), string sizes,
//! lists, defaults, `hidden`/`secured`/`command`, `forcedInform`, `activeNotify`, multi-instance
//! objects with min/max entries, `numEntriesParameter`, `enableParameter` and unique keys.
//! Dropped: descriptions, units, patterns, path references, profiles and everything with
//! `status="deleted"`. The XML's opening comment (its license) is copied into the header.
//!
//! The format is documented in `cwmp-datamodel`'s `schema` module; this crate is its only writer.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::fmt::Write as _;

use cwmp_datamodel::BaseType;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Why the XML could not be turned into a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError {
    /// Byte offset in the XML where the problem was found.
    pub offset: u64,
    /// What went wrong.
    pub reason: String,
}

impl std::fmt::Display for GenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for GenError {}

/// One syntax (of a parameter or a named data type) as read from the XML.
#[derive(Debug, Clone, Default)]
struct Syntax {
    prim: Option<String>,
    data_type: Option<String>,
    list: Option<(String, String, String)>,
    size: Option<(String, String)>,
    ranges: Vec<(String, String, String)>,
    enums: Vec<(String, bool)>,
    default: Option<(u8, String)>,
    hidden: bool,
    command: bool,
}

impl Syntax {
    /// `self` laid over `base` (a derived data type or a parameter referring to one).
    fn over(mut self, base: &Self) -> Self {
        if self.prim.is_none() {
            self.prim.clone_from(&base.prim);
        }
        if self.list.is_none() {
            self.list.clone_from(&base.list);
        }
        if self.size.is_none() {
            self.size.clone_from(&base.size);
        }
        if self.ranges.is_empty() {
            self.ranges.clone_from(&base.ranges);
        }
        if self.enums.is_empty() {
            self.enums.clone_from(&base.enums);
        }
        if self.default.is_none() {
            self.default.clone_from(&base.default);
        }
        self
    }
}

#[derive(Debug, Default)]
struct DataTypeDef {
    base: Option<String>,
    syntax: Syntax,
}

#[derive(Debug)]
struct Param {
    name: String,
    flags: String,
    syntax: Syntax,
}

#[derive(Debug)]
struct Object {
    path: String,
    writable: bool,
    min: String,
    max: String,
    num_entries: String,
    enable: String,
    keys: Vec<(bool, Vec<String>)>,
    params: Vec<Param>,
}

/// Escapes the characters the schema format reserves.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            '|' => out.push_str("%7C"),
            _ => out.push(c),
        }
    }
    out
}

fn attr(e: &BytesStart<'_>, name: &str, offset: u64) -> Result<Option<String>, GenError> {
    for a in e.attributes() {
        let a = a.map_err(|err| GenError {
            offset,
            reason: format!("bad attribute: {err}"),
        })?;
        if a.key.local_name().as_ref() == name {
            let v = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|err| GenError {
                    offset,
                    reason: format!("bad attribute value: {err}"),
                })?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

/// Where the reader is, as far as the generator cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    DataType,
    Model,
    Object,
    Param,
    Syntax,
    UniqueKey,
    List,
    Skip,
    Other,
}

/// Generates the compact schema text for one data model XML document.
pub fn generate(xml: &str) -> Result<String, GenError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Ctx> = Vec::new();
    let mut license: Option<String> = None;
    let mut model_name = String::new();
    let mut data_types: HashMap<String, DataTypeDef> = HashMap::new();
    let mut cur_dt: Option<(String, DataTypeDef)> = None;
    let mut objects: Vec<Object> = Vec::new();
    let mut cur_param: Option<Param> = None;
    let mut cur_key: Option<(bool, Vec<String>)> = None;
    loop {
        let offset = reader.buffer_position();
        let ev = reader.read_event().map_err(|err| GenError {
            offset,
            reason: err.to_string(),
        })?;
        let (e, empty) = match ev {
            Event::Eof => break,
            Event::Comment(c) if license.is_none() && stack.is_empty() => {
                license = Some(c[..].to_owned());
                continue;
            }
            Event::End(_) => {
                match stack.pop() {
                    Some(Ctx::DataType) if stack.is_empty() || stack == [Ctx::Other] => {
                        if let Some((n, d)) = cur_dt.take() {
                            data_types.insert(n, d);
                        }
                    }
                    Some(Ctx::Param) => {
                        if let (Some(p), Some(o)) = (cur_param.take(), objects.last_mut()) {
                            o.params.push(p);
                        }
                    }
                    Some(Ctx::UniqueKey) => {
                        if let (Some(k), Some(o)) = (cur_key.take(), objects.last_mut()) {
                            o.keys.push(k);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            _ => continue,
        };
        let local = e.local_name();
        let name: &str = local.as_ref();
        let parent = stack.last().copied();
        let deleted = attr(&e, "status", offset)?.as_deref() == Some("deleted");
        let ctx = match (parent, name) {
            (Some(Ctx::Skip), _) => Ctx::Skip,
            (_, "description") => Ctx::Skip,
            (None | Some(Ctx::Other), "dataType") if stack.len() <= 1 => {
                if let Some(n) = attr(&e, "name", offset)? {
                    let base = attr(&e, "base", offset)?;
                    cur_dt = Some((
                        n,
                        DataTypeDef {
                            base,
                            syntax: Syntax::default(),
                        },
                    ));
                    Ctx::DataType
                } else {
                    Ctx::Skip
                }
            }
            (_, "model") if stack.len() <= 1 => {
                model_name = attr(&e, "name", offset)?.unwrap_or_default();
                Ctx::Model
            }
            (Some(Ctx::Model), "object") => match attr(&e, "name", offset)? {
                Some(path) if !deleted => {
                    objects.push(Object {
                        path,
                        writable: attr(&e, "access", offset)?.as_deref() == Some("readWrite"),
                        min: attr(&e, "minEntries", offset)?.unwrap_or_else(|| "1".into()),
                        max: match attr(&e, "maxEntries", offset)?.as_deref() {
                            Some("unbounded") => "*".into(),
                            Some(m) => m.into(),
                            None => "1".into(),
                        },
                        num_entries: attr(&e, "numEntriesParameter", offset)?.unwrap_or_default(),
                        enable: attr(&e, "enableParameter", offset)?.unwrap_or_default(),
                        keys: Vec::new(),
                        params: Vec::new(),
                    });
                    Ctx::Object
                }
                _ => Ctx::Skip,
            },
            (Some(Ctx::Object), "uniqueKey") => {
                cur_key = Some((
                    attr(&e, "functional", offset)?.as_deref() != Some("false"),
                    Vec::new(),
                ));
                Ctx::UniqueKey
            }
            (Some(Ctx::UniqueKey), "parameter") => {
                if let (Some(k), Some(r)) = (cur_key.as_mut(), attr(&e, "ref", offset)?) {
                    k.1.push(r);
                }
                Ctx::Other
            }
            (Some(Ctx::Object), "parameter") => match attr(&e, "name", offset)? {
                Some(n) if !deleted => {
                    let mut flags = String::new();
                    match attr(&e, "access", offset)?.as_deref() {
                        Some("readWrite") => flags.push('w'),
                        Some("writeOnceReadOnly") => flags.push('o'),
                        _ => {}
                    }
                    if attr(&e, "forcedInform", offset)?.as_deref() == Some("true") {
                        flags.push('f');
                    }
                    match attr(&e, "activeNotify", offset)?.as_deref() {
                        Some("canDeny") => flags.push('d'),
                        Some("forceEnabled") => flags.push('F'),
                        Some("forceDefaultEnabled") => flags.push('D'),
                        _ => {}
                    }
                    cur_param = Some(Param {
                        name: n,
                        flags,
                        syntax: Syntax::default(),
                    });
                    Ctx::Param
                }
                _ => Ctx::Skip,
            },
            (Some(Ctx::Param), "syntax") => {
                if let Some(p) = cur_param.as_mut() {
                    p.syntax.hidden = attr(&e, "hidden", offset)?.as_deref() == Some("true")
                        || attr(&e, "secured", offset)?.as_deref() == Some("true");
                    p.syntax.command = attr(&e, "command", offset)?.as_deref() == Some("true");
                }
                Ctx::Syntax
            }
            (Some(Ctx::Syntax | Ctx::DataType | Ctx::List | Ctx::Other), _)
                if cur_param.is_some() || cur_dt.is_some() =>
            {
                let in_syntax = stack.contains(&Ctx::Syntax) || stack.contains(&Ctx::DataType);
                let syn = match (cur_param.as_mut(), cur_dt.as_mut()) {
                    (Some(p), _) if stack.contains(&Ctx::Syntax) => Some(&mut p.syntax),
                    (_, Some(d)) => Some(&mut d.1.syntax),
                    _ => None,
                };
                match syn {
                    Some(syn) if in_syntax => {
                        read_facet(&e, name, parent, deleted, syn, offset)?;
                        if name == "list" {
                            Ctx::List
                        } else {
                            Ctx::Other
                        }
                    }
                    _ => Ctx::Other,
                }
            }
            _ => Ctx::Other,
        };
        if !empty {
            stack.push(ctx);
        } else if ctx == Ctx::Param {
            if let (Some(p), Some(o)) = (cur_param.take(), objects.last_mut()) {
                o.params.push(p);
            }
        } else if ctx == Ctx::DataType {
            if let Some((n, d)) = cur_dt.take() {
                data_types.insert(n, d);
            }
        }
    }
    if model_name.is_empty() {
        return Err(GenError {
            offset: xml.len() as u64,
            reason: "no <model> element".into(),
        });
    }
    let mut out = String::new();
    out.push_str("# cwmp-datamodel schema 1\n");
    out.push_str("# Generated by cwmp-datamodel-gen from the Broadband Forum's data model XML; do not edit.\n");
    if let Some(l) = &license {
        out.push_str("# The XML's notice, which applies to this table:\n");
        for line in l.lines() {
            let line = line.strip_prefix("  ").unwrap_or(line).trim_end();
            if line.is_empty() {
                out.push_str("#\n");
            } else {
                let _ = writeln!(out, "# {line}");
            }
        }
    }
    let _ = writeln!(out, "M\t{}", esc(&model_name));
    let mut resolved: HashMap<String, Syntax> = HashMap::new();
    for o in &objects {
        let keys: Vec<String> = o
            .keys
            .iter()
            .map(|(functional, names)| {
                format!("{}{}", if *functional { "" } else { "!" }, names.join(","))
            })
            .collect();
        let _ = writeln!(
            out,
            "O\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            esc(&o.path),
            if o.writable { "w" } else { "-" },
            o.min,
            o.max,
            o.num_entries,
            o.enable,
            keys.join(";")
        );
        for p in &o.params {
            let syn = match &p.syntax.data_type {
                Some(dt) => {
                    let base =
                        resolve(dt, &data_types, &mut resolved, 0).map_err(|reason| GenError {
                            offset: 0,
                            reason: format!("{}{}: {reason}", o.path, p.name),
                        })?;
                    p.syntax.clone().over(&base)
                }
                None => p.syntax.clone(),
            };
            write_param(&mut out, p, &syn, &o.path)?;
        }
    }
    Ok(out)
}

fn read_facet(
    e: &BytesStart<'_>,
    name: &str,
    parent: Option<Ctx>,
    deleted: bool,
    syn: &mut Syntax,
    offset: u64,
) -> Result<(), GenError> {
    let a = |n: &str| attr(e, n, offset).map(Option::unwrap_or_default);
    match name {
        "list" => syn.list = Some((a("minItems")?, a("maxItems")?, String::new())),
        "size" if parent == Some(Ctx::List) => {
            if let Some(l) = syn.list.as_mut() {
                l.2 = a("maxLength")?;
            }
        }
        "size" => syn.size = Some((a("minLength")?, a("maxLength")?)),
        "range" => syn
            .ranges
            .push((a("minInclusive")?, a("maxInclusive")?, a("step")?)),
        "enumeration" if !deleted => {
            let read_only = attr(e, "access", offset)?.as_deref() == Some("readOnly");
            syn.enums.push((a("value")?, read_only));
        }
        "default" => {
            let rank = match attr(e, "type", offset)?.as_deref() {
                Some("object") => 3,
                Some("factory") => 2,
                Some("implementation") => 1,
                _ => 0,
            };
            if let Some(v) = attr(e, "value", offset)? {
                if syn.default.as_ref().is_none_or(|(r, _)| *r < rank) {
                    syn.default = Some((rank, v));
                }
            }
        }
        "dataType" => {
            syn.data_type = match attr(e, "ref", offset)? {
                Some(r) => Some(r),
                None => attr(e, "base", offset)?,
            }
        }
        // A primitive type: the names the schema's parser knows, and only those.
        p => {
            if let Some(t) = BaseType::from_name(p) {
                syn.prim = Some(t.name().to_owned());
            }
        }
    }
    Ok(())
}

fn resolve(
    name: &str,
    defs: &HashMap<String, DataTypeDef>,
    cache: &mut HashMap<String, Syntax>,
    depth: u32,
) -> Result<Syntax, String> {
    if let Some(s) = cache.get(name) {
        return Ok(s.clone());
    }
    if depth > 16 {
        return Err(format!("data type {name}: base chain too deep"));
    }
    let def = defs
        .get(name)
        .ok_or_else(|| format!("unknown data type {name}"))?;
    let mut syn = def.syntax.clone();
    if let Some(inner) = syn.data_type.clone() {
        syn = syn.over(&resolve(&inner, defs, cache, depth + 1)?);
    }
    if let Some(base) = &def.base {
        syn = syn.over(&resolve(base, defs, cache, depth + 1)?);
    }
    cache.insert(name.to_owned(), syn.clone());
    Ok(syn)
}

fn write_param(out: &mut String, p: &Param, syn: &Syntax, object: &str) -> Result<(), GenError> {
    let prim = syn.prim.as_deref().ok_or_else(|| GenError {
        offset: 0,
        reason: format!("{object}{}: no type", p.name),
    })?;
    let mut flags = p.flags.clone();
    if syn.hidden {
        flags.push('h');
    }
    if syn.command {
        flags.push('c');
    }
    if flags.is_empty() {
        flags.push('-');
    }
    let _ = write!(
        out,
        "P\t{}\t{}\t{}\t{}",
        esc(&p.name),
        flags,
        prim,
        p.syntax.data_type.as_deref().unwrap_or("-")
    );
    if let Some((min, max, len)) = &syn.list {
        let _ = write!(out, "\tL{min}:{max}:{len}");
    }
    if let Some((min, max)) = &syn.size {
        let _ = write!(out, "\tS{min}:{max}");
    }
    for (min, max, step) in &syn.ranges {
        let _ = write!(out, "\tR{min}:{max}:{step}");
    }
    let writable: Vec<String> = syn
        .enums
        .iter()
        .filter(|(_, ro)| !ro)
        .map(|(v, _)| esc(v))
        .collect();
    let read_only: Vec<String> = syn
        .enums
        .iter()
        .filter(|(_, ro)| *ro)
        .map(|(v, _)| esc(v))
        .collect();
    if !writable.is_empty() {
        let _ = write!(out, "\tE{}", writable.join("|"));
    }
    if !read_only.is_empty() {
        let _ = write!(out, "\te{}", read_only.join("|"));
    }
    if let Some((_, d)) = &syn.default {
        let _ = write!(out, "\tD{}", esc(d));
    }
    out.push('\n');
    Ok(())
}
