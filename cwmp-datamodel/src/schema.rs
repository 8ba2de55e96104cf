//! The data model's schema: which objects and parameters exist, with their types and rules.
//!
//! Built from the Broadband Forum's XML by `cwmp-datamodel-gen` into a compact text form
//! (embedded: [`Schema::tr181`], [`Schema::tr098`]), narrowed to what a device supports with
//! [`Schema::select`], and extended with vendor objects (`X_<OUI>_…`) through
//! [`Schema::add_object`]/[`Schema::add_parameter`] or, with the `serde` feature, a JSON file
//! ([`Schema::extend_from_json`]).
//!
//! ## Text format (version 1)
//!
//! One record per line, fields separated by tabs; `%25`, `%09`, `%0A`, `%0D` and `%7C` escape
//! `%`, tab, line feed, carriage return and `|` inside values; lines starting with `#` are
//! comments.
//!
//! * `M <model>`: the model name (`Device:2.16`).
//! * `O <path> <w|-> <minEntries> <maxEntries|*> <numEntriesParameter> <enableParameter> <keys>`:
//!   an object (`{i}` marks a multi-instance object); `w`: the ACS may add and delete
//!   instances; keys: unique keys separated by `;`, their parameters by `,`, a leading `!`
//!   for a non-functional key (Alias).
//! * `P <name> <flags> <type> <dataType|-> <facet>…`: a parameter of the last object, its type
//!   a TR-106 primitive type name ([`BaseType::from_name`]), its named data type if any. Flags:
//!   `w` writable, `o` write-once, `f` forcedInform, `h` hidden (or secured), `c` command,
//!   `d`/`F`/`D` activeNotify canDeny/forceEnabled/forceDefaultEnabled (none: normal), `-`
//!   for none. Facets: `L<minItems>:<maxItems>:<maxLength>` list, `S<minLength>:<maxLength>`
//!   size, `R<min>:<max>:<step>` range (repeatable), `E<v>|<v>…` enumeration, `e<v>|…`
//!   read-only enumeration values, `D<value>` default. Empty numbers are unbounded.

use std::collections::HashMap;
use std::fmt;

use cwmp_types::ValueType;

mod base_type;

pub use base_type::BaseType;

/// The data model's `activeNotify` attribute of a parameter (TR-106).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub enum ActiveNotify {
    /// The ACS may set any notification.
    #[default]
    Normal,
    /// The CPE may refuse active notification (9009); this crate refuses it unless
    /// [`crate::DataModel::set_accept_can_deny`] says otherwise.
    CanDeny,
    /// Active notification is always on; any other value is refused (9009).
    ForceEnabled,
    /// Active notification is on by default; the ACS may change it.
    ForceDefaultEnabled,
}

/// An inclusive numeric range (TR-106 `range`), with an optional step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Range {
    /// `minInclusive`
    pub min: Option<i128>,
    /// `maxInclusive`
    pub max: Option<i128>,
    /// `step` (values are `min + k·step`)
    pub step: Option<u64>,
}

impl Range {
    /// `min..=max` (either may be unbounded).
    pub fn new(min: Option<i128>, max: Option<i128>) -> Self {
        Self {
            min,
            max,
            step: None,
        }
    }

    /// Whether `v` lies in the range (and on its step).
    pub fn contains(&self, v: i128) -> bool {
        self.min.is_none_or(|m| v >= m)
            && self.max.is_none_or(|m| v <= m)
            && self
                .step
                .filter(|s| *s > 0)
                .is_none_or(|s| (v - self.min.unwrap_or(0)).rem_euclid(i128::from(s)) == 0)
    }
}

/// A list-valued parameter (TR-106 `list`): comma-separated items of the parameter's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ListSpec {
    /// `minItems`
    pub min_items: Option<u32>,
    /// `maxItems`
    pub max_items: Option<u32>,
    /// The whole list's `maxLength`.
    pub max_length: Option<u32>,
}

/// One parameter of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
#[non_exhaustive]
pub struct ParamSpec {
    /// The name within its object (`Enable`).
    pub name: String,
    /// The primitive type.
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    pub base: BaseType,
    /// The named data type it was declared with (`IPv4Address`), if any.
    pub data_type: Option<String>,
    /// `access="readWrite"`.
    pub writable: bool,
    /// `access="writeOnceReadOnly"`: writable while empty.
    pub write_once: bool,
    /// `forcedInform="true"`: in every Inform.
    pub forced_inform: bool,
    /// `hidden`/`secured`: reads back as an empty string (passwords).
    pub hidden: bool,
    /// `command`: an action trigger that reads back empty.
    pub command: bool,
    /// `activeNotify`.
    pub active_notify: ActiveNotify,
    /// `list`, for list-valued parameters.
    pub list: Option<ListSpec>,
    /// `minLength` (characters; bytes for base64/hexBinary).
    pub min_length: Option<u32>,
    /// `maxLength`.
    pub max_length: Option<u32>,
    /// Allowed ranges (any of them).
    pub ranges: Vec<Range>,
    /// Enumerated values the ACS may set.
    pub enumeration: Vec<String>,
    /// Enumerated values only the CPE may report (`access="readOnly"`).
    pub read_only_values: Vec<String>,
    /// The default (object creation, else factory).
    pub default: Option<String>,
}

impl Default for ParamSpec {
    fn default() -> Self {
        Self::new("", ValueType::String)
    }
}

impl ParamSpec {
    /// A read-only parameter of a type, without constraints: `base` is a [`BaseType`] or a
    /// [`ValueType`] (`ParamSpec::new("Speed", ValueType::UnsignedInt)`).
    pub fn new(name: impl Into<String>, base: impl Into<BaseType>) -> Self {
        Self {
            name: name.into(),
            base: base.into(),
            data_type: None,
            writable: false,
            write_once: false,
            forced_inform: false,
            hidden: false,
            command: false,
            active_notify: ActiveNotify::Normal,
            list: None,
            min_length: None,
            max_length: None,
            ranges: Vec::new(),
            enumeration: Vec::new(),
            read_only_values: Vec::new(),
            default: None,
        }
    }

    /// Makes it writable.
    #[must_use]
    pub fn writable(mut self) -> Self {
        self.writable = true;
        self
    }

    /// Sets the default value.
    #[must_use]
    pub fn with_default(mut self, v: impl Into<String>) -> Self {
        self.default = Some(v.into());
        self
    }

    /// Adds a range.
    #[must_use]
    pub fn with_range(mut self, min: Option<i128>, max: Option<i128>) -> Self {
        self.ranges.push(Range::new(min, max));
        self
    }

    /// Sets the enumeration.
    #[must_use]
    pub fn with_enumeration<S: Into<String>>(
        mut self,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        self.enumeration = values.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the maximum length.
    #[must_use]
    pub fn with_max_length(mut self, n: u32) -> Self {
        self.max_length = Some(n);
        self
    }

    /// The `xsi:type` of its values.
    pub fn value_type(&self) -> ValueType {
        if self.list.is_some() {
            ValueType::String
        } else {
            self.base.value_type()
        }
    }
}

/// A unique key of a multi-instance object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct UniqueKey {
    /// Whether it is functional (then unique among enabled instances only, when the object
    /// has an enable parameter); `Alias` keys are not (unique among all instances).
    pub functional: bool,
    /// The parameters that together are unique.
    pub parameters: Vec<String>,
}

/// One object of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
#[non_exhaustive]
pub struct ObjectSpec {
    /// The path, with `{i}` for instance numbers (`Device.IP.Interface.{i}.`).
    pub path: String,
    /// Whether the ACS may add and delete instances (multi-instance objects).
    pub writable: bool,
    /// `minEntries`.
    pub min_entries: u32,
    /// `maxEntries` (`None`: unbounded).
    pub max_entries: Option<u32>,
    /// The parent's parameter counting the instances (`InterfaceNumberOfEntries`).
    pub num_entries_parameter: Option<String>,
    /// The instances' enable parameter (`Enable`).
    pub enable_parameter: Option<String>,
    /// Unique keys.
    pub unique_keys: Vec<UniqueKey>,
    /// Its parameters (the JSON form of vendor extensions lists them here).
    #[cfg_attr(feature = "serde", serde(rename = "parameters"))]
    pub params: Vec<ParamSpec>,
}

impl Default for ObjectSpec {
    fn default() -> Self {
        Self::new("")
    }
}

impl ObjectSpec {
    /// A single-instance, read-only object (set the fields for tables).
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            writable: false,
            min_entries: 1,
            max_entries: Some(1),
            num_entries_parameter: None,
            enable_parameter: None,
            unique_keys: Vec::new(),
            params: Vec::new(),
        }
    }

    /// Whether it is a multi-instance object (its path ends in `{i}.`).
    pub fn is_multi_instance(&self) -> bool {
        self.path.ends_with(".{i}.")
    }

    /// The table path (`Device.IP.Interface.`) of a multi-instance object.
    pub fn table_path(&self) -> Option<&str> {
        self.path.strip_suffix("{i}.")
    }
}

/// Why a schema text or extension was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("schema line {line} (byte {offset}): {reason}")]
#[non_exhaustive]
pub struct SchemaError {
    /// 1-based line (0 for code-built extensions).
    pub line: usize,
    /// Byte offset of the line's start.
    pub offset: usize,
    /// What is wrong.
    pub reason: String,
}

impl SchemaError {
    fn at(line: usize, offset: usize, reason: impl Into<String>) -> Self {
        Self {
            line,
            offset,
            reason: reason.into(),
        }
    }
}

/// A data model schema: objects in path order, each with its parameters.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Schema {
    model: String,
    objects: Vec<ObjectSpec>,
    by_path: HashMap<String, usize>,
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema")
            .field("model", &self.model)
            .field("objects", &self.objects.len())
            .field("parameters", &self.parameter_count())
            .finish()
    }
}

/// The generated TR-181 Device:2.16 schema text.
pub const TR181_TEXT: &str = include_str!("../schema/tr-181-2-16.schema");
/// The generated TR-098 InternetGatewayDevice:1.14 schema text.
pub const TR098_TEXT: &str = include_str!("../schema/tr-098-1-8.schema");

fn unesc(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    s.replace("%09", "\t")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%7C", "|")
        .replace("%25", "%")
}

fn num<T: std::str::FromStr>(s: &str, line: usize, off: usize) -> Result<Option<T>, SchemaError> {
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| SchemaError::at(line, off, format!("not a number: {s:?}")))
}

impl Schema {
    /// An empty schema for a model name (`Device:2.16`), to build in code.
    pub fn empty(model: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            ..Self::default()
        }
    }

    /// TR-181 Device:2.16, every object and parameter (generated from the Broadband Forum's
    /// XML; see the crate documentation).
    pub fn tr181() -> Self {
        Self::parse(TR181_TEXT).expect("the embedded TR-181 schema parses (tested)")
    }

    /// TR-098 InternetGatewayDevice:1.14 (Amendment 8), every object and parameter.
    pub fn tr098() -> Self {
        Self::parse(TR098_TEXT).expect("the embedded TR-098 schema parses (tested)")
    }

    /// Parses the text form (see the module documentation).
    pub fn parse(text: &str) -> Result<Self, SchemaError> {
        let mut schema = Self::default();
        let mut offset = 0;
        for (i, line) in text.split('\n').enumerate() {
            let (n, off) = (i + 1, offset);
            offset += line.len() + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            match f[0] {
                "M" if f.len() == 2 => schema.model = unesc(f[1]),
                "O" if f.len() == 8 => {
                    let path = unesc(f[1]);
                    let keys = f[7]
                        .split(';')
                        .filter(|k| !k.is_empty())
                        .map(|k| {
                            let (functional, k) = match k.strip_prefix('!') {
                                Some(k) => (false, k),
                                None => (true, k),
                            };
                            UniqueKey {
                                functional,
                                parameters: k.split(',').map(str::to_owned).collect(),
                            }
                        })
                        .collect();
                    let obj = ObjectSpec {
                        path,
                        writable: f[2] == "w",
                        min_entries: num(f[3], n, off)?.unwrap_or(0),
                        max_entries: if f[4] == "*" {
                            None
                        } else {
                            num(f[4], n, off)?
                        },
                        num_entries_parameter: (!f[5].is_empty()).then(|| f[5].to_owned()),
                        enable_parameter: (!f[6].is_empty()).then(|| f[6].to_owned()),
                        unique_keys: keys,
                        params: Vec::new(),
                    };
                    schema
                        .add_object(obj)
                        .map_err(|e| SchemaError::at(n, off, e.reason))?;
                }
                "P" if f.len() >= 5 => {
                    let p = parse_param(&f, n, off)?;
                    let last = schema
                        .objects
                        .last_mut()
                        .ok_or_else(|| SchemaError::at(n, off, "parameter before any object"))?;
                    if last.params.iter().any(|q| q.name == p.name) {
                        return Err(SchemaError::at(n, off, format!("{} twice", p.name)));
                    }
                    last.params.push(p);
                }
                _ => return Err(SchemaError::at(n, off, "not a schema record")),
            }
        }
        if schema.objects.is_empty() {
            return Err(SchemaError::at(0, 0, "no objects"));
        }
        Ok(schema)
    }

    /// The model name (`Device:2.16`).
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The root object's name with its dot (`Device.`).
    pub fn root(&self) -> &str {
        self.objects.first().map_or("", |o| o.path.as_str())
    }

    /// Every object, in schema order (parents before children).
    pub fn objects(&self) -> &[ObjectSpec] {
        &self.objects
    }

    /// How many parameters the schema defines.
    pub fn parameter_count(&self) -> usize {
        self.objects.iter().map(|o| o.params.len()).sum()
    }

    /// The object with this schema path (`Device.IP.Interface.{i}.`).
    pub fn object(&self, path: &str) -> Option<&ObjectSpec> {
        self.by_path.get(path).map(|&i| &self.objects[i])
    }

    pub(crate) fn object_index(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    pub(crate) fn object_at(&self, i: usize) -> &ObjectSpec {
        &self.objects[i]
    }

    /// The parameter with this schema path (`Device.IP.Interface.{i}.Enable`).
    pub fn parameter(&self, path: &str) -> Option<&ParamSpec> {
        let (obj, name) = split_param(path)?;
        self.object(obj)?.params.iter().find(|p| p.name == name)
    }

    /// Adds an object (vendor extension: `Device.X_00D09E_Diagnostics.`). Its parent must
    /// exist unless it is the first (root) object; its parameters come with it, each typed
    /// with a TR-106 type (not [`ValueType::Other`]).
    pub fn add_object(&mut self, object: ObjectSpec) -> Result<(), SchemaError> {
        let p = &object.path;
        let ok_syntax = p.ends_with('.')
            && !p.starts_with('.')
            && p[..p.len() - 1].split('.').all(|s| {
                s == "{i}"
                    || !s.is_empty()
                        && s.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            });
        if !ok_syntax {
            return Err(SchemaError::at(0, 0, format!("bad object path {p:?}")));
        }
        if self.by_path.contains_key(p) {
            return Err(SchemaError::at(0, 0, format!("{p} defined twice")));
        }
        if let Some(param) = object.params.iter().find(|q| !q.base.is_known()) {
            return Err(unknown_type(p, param));
        }
        if !self.objects.is_empty() {
            let parent = parent_object(p);
            if !parent.is_some_and(|q| self.by_path.contains_key(q)) {
                return Err(SchemaError::at(
                    0,
                    0,
                    format!("{p}: parent object not defined"),
                ));
            }
        }
        self.by_path.insert(p.clone(), self.objects.len());
        self.objects.push(object);
        Ok(())
    }

    /// Adds a parameter to an existing object (vendor extension: `X_00D09E_Mode`), typed with
    /// a TR-106 type (not [`ValueType::Other`]).
    pub fn add_parameter(&mut self, object: &str, param: ParamSpec) -> Result<(), SchemaError> {
        let i = *self
            .by_path
            .get(object)
            .ok_or_else(|| SchemaError::at(0, 0, format!("no object {object}")))?;
        let o = &mut self.objects[i];
        if param.name.is_empty() || param.name.contains('.') {
            return Err(SchemaError::at(
                0,
                0,
                format!("bad parameter name {:?}", param.name),
            ));
        }
        if !param.base.is_known() {
            return Err(unknown_type(object, &param));
        }
        if o.params.iter().any(|p| p.name == param.name) {
            return Err(SchemaError::at(
                0,
                0,
                format!("{object}{} defined twice", param.name),
            ));
        }
        o.params.push(param);
        Ok(())
    }

    /// Vendor objects and parameters from JSON: `{"objects": [ObjectSpec…], "parameters":
    /// [{"object": "Device.DeviceInfo.", …ParamSpec}]}` (field names in snake_case as in
    /// [`ObjectSpec`]/[`ParamSpec`], missing fields take their defaults).
    #[cfg(feature = "serde")]
    pub fn extend_from_json(&mut self, json: &str) -> Result<(), SchemaError> {
        #[derive(serde::Deserialize)]
        struct Extra {
            object: String,
            #[serde(flatten)]
            param: ParamSpec,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Extension {
            #[serde(default)]
            objects: Vec<ObjectSpec>,
            #[serde(default)]
            parameters: Vec<Extra>,
        }
        let ext: Extension = serde_json::from_str(json)
            .map_err(|e| SchemaError::at(e.line(), 0, format!("JSON: {e}")))?;
        for o in ext.objects {
            self.add_object(o)?;
        }
        for e in ext.parameters {
            self.add_parameter(&e.object, e.param)?;
        }
        Ok(())
    }

    /// The part of the schema a device supports: every object and parameter whose schema path
    /// matches a pattern, plus the objects above them. A pattern ending in `.` selects the
    /// object and everything below it (`Device.DeviceInfo.`, `Device.IP.Interface.{i}.`);
    /// otherwise it names one parameter (`Device.ManagementServer.URL`). `*` matches one
    /// path segment (`Device.*.Stats.`). A selected table brings the NumberOfEntries
    /// parameter that counts it.
    pub fn select<S: AsRef<str>>(&self, patterns: &[S]) -> Self {
        let pats: Vec<&str> = patterns.iter().map(AsRef::as_ref).collect();
        let mut keep = vec![false; self.objects.len()];
        let mut out_params: Vec<Vec<ParamSpec>> = vec![Vec::new(); self.objects.len()];
        for (i, o) in self.objects.iter().enumerate() {
            let whole = pats
                .iter()
                .any(|p| p.ends_with('.') && prefix_match(p, &o.path));
            for prm in &o.params {
                let full = format!("{}{}", o.path, prm.name);
                if whole
                    || pats
                        .iter()
                        .any(|p| !p.ends_with('.') && seg_match(p, &full))
                {
                    out_params[i].push(prm.clone());
                }
            }
            if whole || !out_params[i].is_empty() {
                keep[i] = true;
            }
        }
        // The objects above every kept object.
        for i in (0..self.objects.len()).rev() {
            if keep[i] {
                let mut p = parent_object(&self.objects[i].path);
                while let Some(q) = p {
                    if let Some(&j) = self.by_path.get(q) {
                        keep[j] = true;
                    }
                    p = parent_object(q);
                }
            }
        }
        // A kept table keeps the parameter counting its instances.
        for (i, o) in self.objects.iter().enumerate() {
            let Some(counter) = o.num_entries_parameter.as_deref().filter(|_| keep[i]) else {
                continue;
            };
            let Some(j) = parent_object(&o.path).and_then(|p| self.by_path.get(p).copied()) else {
                continue;
            };
            if !out_params[j].iter().any(|p| p.name == counter) {
                if let Some(p) = self.objects[j].params.iter().find(|p| p.name == counter) {
                    out_params[j].push(p.clone());
                }
            }
        }
        let mut out = Self::empty(self.model.clone());
        for (i, o) in self.objects.iter().enumerate() {
            if keep[i] {
                let mut o2 = o.clone();
                o2.params = std::mem::take(&mut out_params[i]);
                out.by_path.insert(o2.path.clone(), out.objects.len());
                out.objects.push(o2);
            }
        }
        out
    }
}

fn parse_param(f: &[&str], n: usize, off: usize) -> Result<ParamSpec, SchemaError> {
    let base = BaseType::from_name(f[3])
        .ok_or_else(|| SchemaError::at(n, off, format!("unknown type {}", f[3])))?;
    let mut p = ParamSpec::new(unesc(f[1]), base);
    for c in f[2].chars() {
        match c {
            'w' => p.writable = true,
            'o' => p.write_once = true,
            'f' => p.forced_inform = true,
            'h' => p.hidden = true,
            'c' => p.command = true,
            'd' => p.active_notify = ActiveNotify::CanDeny,
            'F' => p.active_notify = ActiveNotify::ForceEnabled,
            'D' => p.active_notify = ActiveNotify::ForceDefaultEnabled,
            '-' => {}
            _ => return Err(SchemaError::at(n, off, format!("unknown flag {c}"))),
        }
    }
    if f[4] != "-" {
        p.data_type = Some(f[4].to_owned());
    }
    for facet in &f[5..] {
        let mut chars = facet.chars();
        let kind = chars.next().unwrap_or(' ');
        let rest = chars.as_str();
        let parts: Vec<&str> = rest.split(':').collect();
        match (kind, parts.len()) {
            ('L', 3) => {
                p.list = Some(ListSpec {
                    min_items: num(parts[0], n, off)?,
                    max_items: num(parts[1], n, off)?,
                    max_length: num(parts[2], n, off)?,
                });
            }
            ('S', 2) => {
                p.min_length = num(parts[0], n, off)?;
                p.max_length = num(parts[1], n, off)?;
            }
            ('R', 3) => p.ranges.push(Range {
                min: num(parts[0], n, off)?,
                max: num(parts[1], n, off)?,
                step: num(parts[2], n, off)?,
            }),
            ('E', _) => p.enumeration = rest.split('|').map(unesc).collect(),
            ('e', _) => p.read_only_values = rest.split('|').map(unesc).collect(),
            ('D', _) => p.default = Some(unesc(rest)),
            _ => return Err(SchemaError::at(n, off, format!("unknown facet {facet:?}"))),
        }
    }
    Ok(p)
}

/// A parameter typed with no TR-106 name (`ValueType::Other`).
fn unknown_type(object: &str, param: &ParamSpec) -> SchemaError {
    SchemaError::at(
        0,
        0,
        format!("{object}{}: unknown type {}", param.name, param.base),
    )
}

/// `Device.IP.` for `Device.IP.Interface.` and for `Device.IP.Interface.{i}.`.
pub(crate) fn parent_object(path: &str) -> Option<&str> {
    let body = path.strip_suffix('.')?;
    let body = body.strip_suffix(".{i}").unwrap_or(body);
    let cut = body.rfind('.')?;
    Some(&path[..=cut])
}

/// (`Device.IP.`, `IPv4Enable`) for `Device.IP.IPv4Enable`.
pub(crate) fn split_param(path: &str) -> Option<(&str, &str)> {
    let cut = path.rfind('.')?;
    Some((&path[..=cut], &path[cut + 1..]))
}

/// Whether `path` starts with the pattern's segments (`*` matches any one segment).
fn prefix_match(pattern: &str, path: &str) -> bool {
    let mut ps = pattern.trim_end_matches('.').split('.');
    let mut xs = path.trim_end_matches('.').split('.');
    loop {
        match (ps.next(), xs.next()) {
            (None, _) => return true,
            (Some(_), None) => return false,
            (Some(p), Some(x)) if p == "*" || p == x => {}
            _ => return false,
        }
    }
}

fn seg_match(pattern: &str, path: &str) -> bool {
    pattern.split('.').count() == path.split('.').count() && prefix_match(pattern, path)
}

#[cfg(test)]
mod tests;
