//! Reading a VCD file from any producer into per-signal change lists.
//!
//! The header and the value changes are parsed with the `vcd` crate. A
//! window of a large file is reached without reading what comes before it:
//! the timestamps are found by bisection over byte offsets (VCD times never
//! decrease), and the value of each chosen signal at the start of the
//! window by scanning backwards from there for its last change. Only the
//! chosen signals are kept, and reading stops after the window.
//!
//! Clock cycles are counted from the rising edges of the clock: edge 0 is
//! the first rising edge (a clock whose first value is 1 counts as having
//! risen at that time), cycle *n* lasts from edge *n* to edge *n + 1*.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use vcd::{IdCode, ScopeItem, TimescaleUnit};

/// Bodies larger than this are read from the window on (bisection and a
/// backward scan) instead of from their start.
const SEEK_THRESHOLD: u64 = 4 << 20;
/// Block size of the backward scan and of the timestamp search.
const BLOCK: usize = 1 << 20;
/// Rising edges read from the start of a file to learn the clock period.
const LEARN_EDGES: usize = 256;

/// One `$var` of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    /// Full hierarchical name without the bit range: `uut.rename_bank.kernel_rsp_q.q`.
    pub path: String,
    /// The scope that declares it: `uut.rename_bank.kernel_rsp_q`.
    pub scope: String,
    /// Its own name: `q`.
    pub name: String,
    /// Width in bits.
    pub width: u32,
    /// The bit range as declared (`[63:0]`), if any.
    pub range: Option<String>,
    /// The identifier code of its value changes.
    pub code: IdCode,
    /// A `real` variable.
    pub real: bool,
}

impl Var {
    /// The name GTKWave gives this variable: the path, with `[msb:lsb]`
    /// for vectors.
    pub fn gtkwave_name(&self) -> String {
        match (&self.range, self.width) {
            (Some(r), _) => format!("{}{}", self.path, r.replace(' ', "")),
            (None, w) if w > 1 && !self.real => format!("{}[{}:0]", self.path, w - 1),
            _ => self.path.clone(),
        }
    }
}

/// A value of a signal.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Every bit 0 or 1 (zero-extended to the width, at most 64 bits).
    Bits(u64),
    /// Bits as written, most significant first, `0 1 x z`, at full width:
    /// a value with `x`/`z` bits or wider than 64 bits.
    Wide(Box<[u8]>),
    /// A `real` value.
    Real(f64),
    /// A string value.
    Str(Box<str>),
    /// Never written yet.
    Unknown,
}

impl Value {
    /// The value as a number, if every bit is known and it fits 64 bits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Bits(v) => Some(*v),
            Value::Real(r) => Some(*r as u64),
            Value::Wide(b) => {
                let sig = b.iter().position(|&c| c != b'0').unwrap_or(b.len());
                let rest = &b[sig..];
                if rest.len() > 64 || rest.iter().any(|&c| c != b'0' && c != b'1') {
                    return None;
                }
                Some(
                    rest.iter()
                        .fold(0u64, |a, &c| (a << 1) | (c == b'1') as u64),
                )
            }
            _ => None,
        }
    }

    /// Is this one bit high (`Some(true)`), low, or unknown (`None`)?
    pub fn bit(&self) -> Option<bool> {
        match self {
            Value::Bits(v) => Some(*v & 1 == 1),
            Value::Wide(b) => match b.last() {
                Some(b'1') => Some(true),
                Some(b'0') => Some(false),
                _ => None,
            },
            Value::Real(r) => Some(*r != 0.0),
            _ => None,
        }
    }

    /// Hexadecimal without leading zeros (`x`/`z` nibbles shown as such).
    pub fn hex(&self) -> String {
        match self {
            Value::Bits(v) => format!("{v:x}"),
            Value::Real(r) => format!("{r}"),
            Value::Str(s) => s.to_string(),
            Value::Unknown => "x".into(),
            Value::Wide(b) => {
                let pad = (4 - b.len() % 4) % 4;
                let first = *b.first().unwrap_or(&b'0');
                let ext = if first == b'1' { b'0' } else { first };
                let bits: Vec<u8> = std::iter::repeat_n(ext, pad)
                    .chain(b.iter().copied())
                    .collect();
                let mut s = String::new();
                for nib in bits.chunks(4) {
                    let c = if nib.iter().all(|&c| c == b'z') {
                        'z'
                    } else if nib.iter().any(|&c| c == b'x' || c == b'z') {
                        'x'
                    } else {
                        let v = nib.iter().fold(0u32, |a, &c| (a << 1) | (c == b'1') as u32);
                        char::from_digit(v, 16).unwrap_or('?')
                    };
                    s.push(c);
                }
                let t = s.trim_start_matches('0');
                if t.is_empty() {
                    "0".into()
                } else {
                    t.into()
                }
            }
        }
    }

    /// Parse a value as written in a VCD change (`b0101`, `1`, `r1.5`, ...)
    /// for a variable of `width` bits.
    pub fn parse(tok: &[u8], width: u32) -> Option<Value> {
        let (&first, rest) = tok.split_first()?;
        match first {
            b'b' | b'B' => Some(Self::from_bits(rest, width)),
            b'r' | b'R' => std::str::from_utf8(rest)
                .ok()?
                .parse()
                .ok()
                .map(Value::Real),
            b's' | b'S' => Some(Value::Str(String::from_utf8_lossy(rest).into())),
            b'0' | b'1' | b'x' | b'X' | b'z' | b'Z' if rest.is_empty() => {
                Some(Self::from_bits(&[first], width))
            }
            _ => None,
        }
    }

    /// A value from its bits, most significant first (`0 1 x z`, any case),
    /// extended to `width` as VCD says (0 for a leading 1, else the
    /// leading bit).
    pub fn from_bits(bits: &[u8], width: u32) -> Value {
        let known = bits.iter().all(|&c| c == b'0' || c == b'1');
        if known && width <= 64 && bits.len() <= 64 {
            return Value::Bits(
                bits.iter()
                    .fold(0u64, |a, &c| (a << 1) | (c == b'1') as u64),
            );
        }
        let lower: Vec<u8> = bits.iter().map(|c| c.to_ascii_lowercase()).collect();
        let w = (width as usize).max(lower.len());
        let ext = match lower.first() {
            Some(b'x') => b'x',
            Some(b'z') => b'z',
            _ => b'0',
        };
        let mut full: Vec<u8> = std::iter::repeat_n(ext, w - lower.len()).collect();
        full.extend_from_slice(&lower);
        Value::Wide(full.into_boxed_slice())
    }

    fn from_vector(v: &vcd::Vector, width: u32) -> Value {
        let bits: Vec<u8> = v
            .iter()
            .map(|b| match b {
                vcd::Value::V0 => b'0',
                vcd::Value::V1 => b'1',
                vcd::Value::X => b'x',
                vcd::Value::Z => b'z',
            })
            .collect();
        Self::from_bits(&bits, width)
    }
}

/// The changes of one signal in a window.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Index into [`Vcd::vars`].
    pub var: usize,
    /// `(time, value)`, times increasing; the first entry is the value at
    /// the start of the window (at that time).
    pub changes: Vec<(u64, Value)>,
}

impl Trace {
    /// The value at `t` (after every change at `t`).
    pub fn at(&self, t: u64) -> &Value {
        let i = self.changes.partition_point(|(ct, _)| *ct <= t);
        &self.changes[i.saturating_sub(1)].1
    }

    /// The value just before `t` (what a flip-flop clocked at `t` sees).
    pub fn before(&self, t: u64) -> &Value {
        let i = self.changes.partition_point(|(ct, _)| *ct < t);
        &self.changes[i.saturating_sub(1)].1
    }
}

/// An open VCD file: its header, and where its value changes start.
#[derive(Debug)]
pub struct Vcd {
    /// The file.
    pub path: PathBuf,
    /// Femtoseconds per time unit of the file.
    pub unit_fs: u64,
    /// Every variable, in the order of the header.
    pub vars: Vec<Var>,
    /// Every scope, full names, in the order of the header.
    pub scopes: Vec<String>,
    /// The last timestamp of the file.
    pub end_time: u64,
    file: File,
    body_start: u64,
    len: u64,
    by_code: HashMap<IdCode, Vec<usize>>,
}

/// Counts the bytes the `vcd` parser takes, to know where the body starts.
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.count += n as u64;
        self.inner.consume(n)
    }
}

fn unit_fs(n: u32, unit: TimescaleUnit) -> u64 {
    let per: u64 = match unit {
        TimescaleUnit::S => 1_000_000_000_000_000,
        TimescaleUnit::MS => 1_000_000_000_000,
        TimescaleUnit::US => 1_000_000_000,
        TimescaleUnit::NS => 1_000_000,
        TimescaleUnit::PS => 1_000,
        TimescaleUnit::FS => 1,
    };
    per * n as u64
}

/// A VCD parse error as one clause: what is wrong and where.
fn describe(path: &Path, e: &io::Error, line_base: Option<u64>, parser_line: u64) -> String {
    let where_ = match line_base {
        Some(b) => format!("{}:{}", path.display(), b + parser_line - 1),
        None => path.display().to_string(),
    };
    if e.kind() == io::ErrorKind::UnexpectedEof {
        return format!("{where_}: truncated VCD: the file ends in the middle of a command");
    }
    if let Some(pe) = e
        .get_ref()
        .and_then(|x| x.downcast_ref::<vcd::ParseError>())
    {
        let what = match pe.kind() {
            vcd::ParseErrorKind::UnexpectedCharacter => "unexpected character".to_string(),
            vcd::ParseErrorKind::UnknownCommand => "unknown $command".to_string(),
            vcd::ParseErrorKind::UnexpectedHeaderCommand => {
                "a value change or timestamp inside the header".to_string()
            }
            vcd::ParseErrorKind::ExpectedEndCommand => "missing $end".to_string(),
            vcd::ParseErrorKind::UnmatchedEnd => "$end without a command".to_string(),
            k => format!("{k}"),
        };
        let at = match line_base {
            Some(b) => format!("{}:{}", path.display(), b + pe.line() - 1),
            None => path.display().to_string(),
        };
        return format!("{at}: malformed VCD: {what}");
    }
    format!("{where_}: cannot read: {e}")
}

fn collect(items: &[ScopeItem], scope: &str, vars: &mut Vec<Var>, scopes: &mut Vec<String>) {
    for item in items {
        match item {
            ScopeItem::Var(v) => {
                let path = if scope.is_empty() {
                    v.reference.clone()
                } else {
                    format!("{scope}.{}", v.reference)
                };
                vars.push(Var {
                    path,
                    scope: scope.to_string(),
                    name: v.reference.clone(),
                    width: v.size,
                    range: v.index.map(|i| i.to_string()),
                    code: v.code,
                    real: matches!(v.var_type, vcd::VarType::Real),
                });
            }
            ScopeItem::Scope(s) => {
                let name = if scope.is_empty() {
                    s.identifier.clone()
                } else {
                    format!("{scope}.{}", s.identifier)
                };
                scopes.push(name.clone());
                collect(&s.items, &name, vars, scopes);
            }
            _ => {}
        }
    }
}

impl Vcd {
    /// Open `path` and read its header. Errors are one line: missing file,
    /// truncated or malformed header, a file with no value changes.
    pub fn open(path: &Path) -> Result<Vcd> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = file.metadata()?.len();
        if len == 0 {
            bail!("{}: empty file, not a VCD", path.display());
        }
        let mut counting = Counting {
            inner: BufReader::with_capacity(1 << 16, file.try_clone()?),
            count: 0,
        };
        let mut parser = vcd::Parser::new(&mut counting);
        let header = match parser.parse_header() {
            Ok(h) => h,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => bail!(
                "{}: truncated VCD: the file ends inside its header (no $enddefinitions)",
                path.display()
            ),
            Err(e) => bail!("{}", describe(path, &e, Some(1), parser.line())),
        };
        let body_start = counting.count;
        let mut vars = Vec::new();
        let mut scopes = Vec::new();
        collect(&header.items, "", &mut vars, &mut scopes);
        if vars.is_empty() {
            bail!("{}: the VCD declares no signals", path.display());
        }
        let mut by_code: HashMap<IdCode, Vec<usize>> = HashMap::new();
        for (i, v) in vars.iter().enumerate() {
            by_code.entry(v.code).or_default().push(i);
        }
        let (n, unit) = header.timescale.unwrap_or((1, TimescaleUnit::PS));
        let mut vcd = Vcd {
            path: path.to_path_buf(),
            unit_fs: unit_fs(n, unit),
            vars,
            scopes,
            end_time: 0,
            file,
            body_start,
            len,
            by_code,
        };
        vcd.end_time = vcd.check_tail()?;
        Ok(vcd)
    }

    /// Check that the file ends with a complete command and return its
    /// last timestamp.
    fn check_tail(&self) -> Result<u64> {
        let body = self.len - self.body_start;
        let take = body.min(BLOCK as u64);
        let mut buf = vec![0u8; take as usize];
        self.file.read_exact_at(&mut buf, self.len - take)?;
        let trimmed_len = buf
            .iter()
            .rposition(|c| !c.is_ascii_whitespace())
            .map(|p| p + 1)
            .unwrap_or(0);
        if trimmed_len == 0 && body == take {
            bail!(
                "{}: the VCD has a header but no value changes",
                self.path.display()
            );
        }
        let t = &buf[..trimmed_len];
        let line_start = memchr::memrchr(b'\n', t).map(|p| p + 1).unwrap_or(0);
        let last = &t[line_start..];
        if !buf.ends_with(b"\n") || !self.line_is_complete(last) {
            bail!(
                "{}: truncated VCD: the last line `{}` is cut off",
                self.path.display(),
                String::from_utf8_lossy(&last[..last.len().min(40)])
            );
        }
        // The last timestamp: the last line starting with '#'.
        let mut end = trimmed_len;
        loop {
            let start = memchr::memrchr(b'\n', &buf[..end])
                .map(|p| p + 1)
                .unwrap_or(0);
            let line = &buf[start..end];
            if line.first() == Some(&b'#') {
                return parse_time(&line[1..]).with_context(|| {
                    format!(
                        "{}: malformed VCD: bad timestamp `{}`",
                        self.path.display(),
                        String::from_utf8_lossy(line)
                    )
                });
            }
            if start == 0 {
                break;
            }
            end = start - 1;
        }
        if body == take {
            // No timestamp at all: everything happens at time 0.
            return Ok(0);
        }
        // A last block without timestamps in a large file: scan further.
        let mut off = self.len - take;
        while off > self.body_start {
            let from = off.saturating_sub(BLOCK as u64).max(self.body_start);
            let mut b = vec![0u8; (off - from) as usize + 64.min((self.len - off) as usize)];
            self.file.read_exact_at(&mut b, from)?;
            if let Some(p) = memchr::memmem::rfind(&b, b"\n#") {
                let e = memchr::memchr(b'\n', &b[p + 1..])
                    .map(|q| p + 1 + q)
                    .unwrap_or(b.len());
                return parse_time(&b[p + 2..e]).context("malformed VCD: bad timestamp");
            }
            off = from;
        }
        Ok(0)
    }

    fn line_is_complete(&self, line: &[u8]) -> bool {
        let mut text = line.to_vec();
        text.push(b'\n');
        let mut p = vcd::Parser::new(&text[..]);
        if line.starts_with(b"$") {
            // `$end`, `$dumpvars`, ...: a command keyword alone is fine.
            return line.iter().all(|c| c.is_ascii_graphic());
        }
        matches!(p.next(), Some(Ok(_))) && p.next().is_none()
    }

    /// The variables whose changes carry `code`.
    pub fn vars_of(&self, code: IdCode) -> &[usize] {
        self.by_code.get(&code).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Read the changes of `vars` from `start` to `end` (inclusive, in
    /// file time units). Every trace starts with its value at `start`.
    pub fn load(&self, vars: &[usize], start: u64, end: u64) -> Result<Vec<Trace>> {
        let mut slots: HashMap<IdCode, Vec<usize>> = HashMap::new();
        for (slot, &v) in vars.iter().enumerate() {
            slots.entry(self.vars[v].code).or_default().push(slot);
        }
        let mut current: Vec<Value> = vec![Value::Unknown; vars.len()];
        let body = self.len - self.body_start;
        let (offset, line_base) = if body > SEEK_THRESHOLD && start > 0 {
            match self.seek_time(start)? {
                Some(off) => {
                    self.values_before(off, vars, &slots, &mut current)?;
                    (off, None)
                }
                None => (self.len, None),
            }
        } else {
            (self.body_start, Some(self.header_lines()?))
        };
        let mut traces: Vec<Trace> = vars
            .iter()
            .map(|&v| Trace {
                var: v,
                changes: Vec::new(),
            })
            .collect();
        let mut f = self.file.try_clone()?;
        f.seek(SeekFrom::Start(offset))?;
        let mut parser = vcd::Parser::new(BufReader::with_capacity(1 << 16, f));
        let mut time = 0u64;
        let mut started = false;
        let start_window = |traces: &mut Vec<Trace>, current: &[Value]| {
            for (t, v) in traces.iter_mut().zip(current) {
                t.changes.push((start, v.clone()));
            }
        };
        while let Some(cmd) = parser.next() {
            let cmd = cmd.map_err(|e| {
                anyhow::anyhow!("{}", describe(&self.path, &e, line_base, parser.line()))
            })?;
            use vcd::Command as C;
            let (code, value) = match cmd {
                C::Timestamp(t) => {
                    if t < time {
                        bail!(
                            "{}: malformed VCD: time goes backwards from {time} to {t}{}",
                            self.path.display(),
                            line_base
                                .map(|b| format!(" (line {})", b + parser.line() - 1))
                                .unwrap_or_default()
                        );
                    }
                    time = t;
                    if time > end {
                        break;
                    }
                    if !started && time > start {
                        started = true;
                        start_window(&mut traces, &current);
                    }
                    continue;
                }
                C::ChangeScalar(code, v) => (code, ValueIn::Scalar(v)),
                C::ChangeVector(code, v) => (code, ValueIn::Vector(v)),
                C::ChangeReal(code, r) => (code, ValueIn::Real(r)),
                C::ChangeString(code, s) => (code, ValueIn::Str(s)),
                _ => continue,
            };
            let Some(slot_list) = slots.get(&code) else {
                if !self.by_code.contains_key(&code) {
                    bail!(
                        "{}: malformed VCD: a value change for identifier code `{code}`, which no $var declares{}",
                        self.path.display(),
                        line_base
                            .map(|b| format!(" (line {})", b + parser.line() - 1))
                            .unwrap_or_default()
                    );
                }
                continue;
            };
            for &slot in slot_list {
                let width = self.vars[vars[slot]].width;
                let v = match &value {
                    ValueIn::Scalar(s) => Value::from_bits(&[scalar_byte(*s)], width),
                    ValueIn::Vector(v) => Value::from_vector(v, width),
                    ValueIn::Real(r) => Value::Real(*r),
                    ValueIn::Str(s) => Value::Str(s.as_str().into()),
                };
                if started {
                    let ch = &mut traces[slot].changes;
                    if ch.last().map(|(_, last)| *last != v).unwrap_or(true) {
                        ch.push((time, v.clone()));
                    }
                }
                current[slot] = v;
            }
        }
        if !started {
            start_window(&mut traces, &current);
        }
        Ok(traces)
    }

    /// Number of header lines (line numbers of errors count from the file).
    fn header_lines(&self) -> Result<u64> {
        let mut buf = vec![0u8; self.body_start as usize];
        self.file.read_exact_at(&mut buf, 0)?;
        Ok(memchr::memchr_iter(b'\n', &buf).count() as u64 + 1)
    }

    /// The first timestamp line at or after byte `from` (a line start or
    /// inside a line): its offset and time.
    fn next_timestamp(&self, from: u64) -> Result<Option<(u64, u64)>> {
        let mut off = from;
        let mut buf = vec![0u8; 64 << 10];
        let mut at_line_start = from == self.body_start;
        while off < self.len {
            let n = ((self.len - off) as usize).min(buf.len());
            self.file.read_exact_at(&mut buf[..n], off)?;
            let b = &buf[..n];
            let found = if at_line_start && b.first() == Some(&b'#') {
                Some(0)
            } else {
                memchr::memmem::find(b, b"\n#").map(|p| p + 1)
            };
            if let Some(p) = found {
                let line_off = off + p as u64;
                let mut line = vec![0u8; 32.min((self.len - line_off) as usize)];
                self.file.read_exact_at(&mut line, line_off)?;
                let e = line
                    .iter()
                    .position(|c| c.is_ascii_whitespace())
                    .unwrap_or(line.len());
                let t = parse_time(&line[1..e]).with_context(|| {
                    format!(
                        "{}: malformed VCD: bad timestamp near byte {line_off}",
                        self.path.display()
                    )
                })?;
                return Ok(Some((line_off, t)));
            }
            // Keep the last byte: "\n" may end this block and "#" start the next.
            at_line_start = b.last() == Some(&b'\n');
            off += n as u64;
        }
        Ok(None)
    }

    /// Offset of the first timestamp line whose time is at least `t`.
    fn seek_time(&self, t: u64) -> Result<Option<u64>> {
        let (mut lo, mut hi) = (self.body_start, self.len);
        while hi - lo > (64 << 10) {
            let mid = lo + (hi - lo) / 2;
            match self.next_timestamp(mid)? {
                Some((_, mt)) if mt < t => lo = mid,
                _ => hi = mid,
            }
        }
        let mut off = lo;
        while let Some((line_off, lt)) = self.next_timestamp(off)? {
            if lt >= t {
                return Ok(Some(line_off));
            }
            off = line_off + 1;
        }
        Ok(None)
    }

    /// The last value of each of `vars` written before byte `off`, scanning
    /// backwards block by block for the value-change lines of the codes
    /// still missing (one multi-pattern search per block); values never
    /// written stay unknown.
    fn values_before(
        &self,
        off: u64,
        vars: &[usize],
        slots: &HashMap<IdCode, Vec<usize>>,
        current: &mut [Value],
    ) -> Result<()> {
        let mut missing: Vec<IdCode> = slots.keys().copied().collect();
        let mut end = off;
        let mut carry: Vec<u8> = Vec::new();
        let mut buf: Vec<u8> = Vec::with_capacity(BLOCK + 4096);
        while end > self.body_start && !missing.is_empty() {
            let from = end.saturating_sub(BLOCK as u64).max(self.body_start);
            buf.clear();
            buf.resize((end - from) as usize, 0);
            self.file.read_exact_at(&mut buf, from)?;
            buf.extend_from_slice(&carry);
            // Only whole lines: skip the first (partial) line unless the
            // block starts the body; it is carried to the next block.
            let first_nl = if from == self.body_start {
                0
            } else {
                match memchr::memchr(b'\n', &buf) {
                    Some(p) => p + 1,
                    None => {
                        carry = buf.clone();
                        end = from;
                        continue;
                    }
                }
            };
            let region = &buf[first_nl..];
            // Patterns: `0S\n`... for scalars, ` S\n` for vectors, reals and
            // strings, per missing code S.
            let mut patterns: Vec<Vec<u8>> = Vec::new();
            let mut owner: Vec<(usize, bool)> = Vec::new();
            for (i, code) in missing.iter().enumerate() {
                let id = code.to_string().into_bytes();
                let scalar = slots[code]
                    .iter()
                    .any(|&slot| self.vars[vars[slot]].width == 1);
                if scalar {
                    for c in b"01xzXZ" {
                        let mut p = vec![*c];
                        p.extend_from_slice(&id);
                        p.push(b'\n');
                        patterns.push(p);
                        owner.push((i, true));
                    }
                }
                let mut p = vec![b' '];
                p.extend_from_slice(&id);
                p.push(b'\n');
                patterns.push(p);
                owner.push((i, false));
            }
            let ac = aho_corasick::AhoCorasick::new(&patterns)
                .context("cannot build the signal search")?;
            let mut last: Vec<Option<(usize, usize)>> = vec![None; missing.len()];
            for m in ac.find_overlapping_iter(region) {
                let (i, scalar) = owner[m.pattern().as_usize()];
                let ls = memchr::memrchr(b'\n', &region[..m.start()])
                    .map(|p| p + 1)
                    .unwrap_or(0);
                let ok = if scalar {
                    ls == m.start()
                } else {
                    matches!(region[ls], b'b' | b'B' | b'r' | b'R' | b's' | b'S')
                        && !region[ls..m.start()].contains(&b' ')
                };
                if ok && last[i].is_none_or(|(s, _)| s < ls) {
                    last[i] = Some((ls, m.end()));
                }
            }
            let mut still = Vec::new();
            for (i, code) in missing.iter().enumerate() {
                let Some((ls, le)) = last[i] else {
                    still.push(*code);
                    continue;
                };
                if let Some((val, _)) = split_change(trim(&region[ls..le])) {
                    for &slot in &slots[code] {
                        let width = self.vars[vars[slot]].width;
                        current[slot] = Value::parse(val, width).unwrap_or(Value::Unknown);
                    }
                }
            }
            missing = still;
            carry = buf[..first_nl].to_vec();
            end = from;
        }
        Ok(())
    }

    /// Learn the clock `var`: its rising edges from the start of the file.
    pub fn clock(&self, var: usize) -> Result<Clock> {
        let mut slots: HashMap<IdCode, Vec<usize>> = HashMap::new();
        slots.insert(self.vars[var].code, vec![0]);
        let mut f = self.file.try_clone()?;
        f.seek(SeekFrom::Start(self.body_start))?;
        let base = self.header_lines()?;
        let mut parser = vcd::Parser::new(BufReader::with_capacity(1 << 16, f));
        let code = self.vars[var].code;
        let mut time = 0u64;
        let mut level: Option<bool> = None;
        let mut edges = Vec::new();
        let body = self.len - self.body_start;
        let learn_only = body > SEEK_THRESHOLD;
        let mut complete = true;
        while let Some(cmd) = parser.next() {
            let cmd = cmd.map_err(|e| {
                anyhow::anyhow!("{}", describe(&self.path, &e, Some(base), parser.line()))
            })?;
            match cmd {
                vcd::Command::Timestamp(t) => time = t,
                vcd::Command::ChangeScalar(c, v) if c == code => {
                    let high = match v {
                        vcd::Value::V1 => Some(true),
                        vcd::Value::V0 => Some(false),
                        _ => None,
                    };
                    if high == Some(true) && level != Some(true) {
                        edges.push(time);
                        if learn_only && edges.len() >= LEARN_EDGES {
                            complete = false;
                            break;
                        }
                    }
                    level = high;
                }
                vcd::Command::ChangeVector(c, v) if c == code => {
                    let high = v
                        .get(v.len().saturating_sub(1))
                        .map(|b| b == vcd::Value::V1);
                    if high == Some(true) && level != Some(true) {
                        edges.push(time);
                    }
                    level = high;
                }
                _ => {}
            }
        }
        if complete {
            return Ok(Clock::Edges(edges));
        }
        let period = edges[1] - edges[0];
        let regular = period > 0 && edges.windows(2).all(|w| w[1] - w[0] == period);
        if regular {
            return Ok(Clock::Regular {
                first: edges[0],
                period,
                end: self.end_time,
            });
        }
        // An irregular clock in a large file: read all of it.
        let traces = self.load(&[var], 0, self.end_time)?;
        let mut edges = Vec::new();
        let mut level = None;
        for (t, v) in &traces[0].changes {
            let high = v.bit();
            if high == Some(true) && level != Some(true) {
                edges.push(*t);
            }
            level = high;
        }
        Ok(Clock::Edges(edges))
    }
}

enum ValueIn {
    Scalar(vcd::Value),
    Vector(vcd::Vector),
    Real(f64),
    Str(String),
}

fn scalar_byte(v: vcd::Value) -> u8 {
    match v {
        vcd::Value::V0 => b'0',
        vcd::Value::V1 => b'1',
        vcd::Value::X => b'x',
        vcd::Value::Z => b'z',
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let Some((f, rest)) = s.split_first() {
        if f.is_ascii_whitespace() {
            s = rest
        } else {
            break;
        }
    }
    while let Some((l, rest)) = s.split_last() {
        if l.is_ascii_whitespace() {
            s = rest
        } else {
            break;
        }
    }
    s
}

/// A value-change line split into its value token and identifier code.
fn split_change(line: &[u8]) -> Option<(&[u8], IdCode)> {
    match line.first()? {
        b'b' | b'B' | b'r' | b'R' | b's' | b'S' => {
            let sp = line.iter().rposition(|c| c.is_ascii_whitespace())?;
            let code = std::str::from_utf8(&line[sp + 1..]).ok()?.parse().ok()?;
            Some((trim(&line[..sp]), code))
        }
        b'0' | b'1' | b'x' | b'X' | b'z' | b'Z' => {
            let code = std::str::from_utf8(trim(&line[1..])).ok()?.parse().ok()?;
            Some((&line[..1], code))
        }
        _ => None,
    }
}

fn parse_time(b: &[u8]) -> Result<u64> {
    let s = std::str::from_utf8(b)?.trim();
    Ok(s.parse()?)
}

/// The rising edges of a clock: all of them, or a regular clock's first
/// edge and period (learned from the start of a large file).
#[derive(Clone, Debug)]
pub enum Clock {
    /// Every rising edge.
    Edges(Vec<u64>),
    /// Edge *n* at `first + n * period`, up to `end`.
    Regular { first: u64, period: u64, end: u64 },
}

impl Clock {
    /// Time of rising edge `n`, if the file has it.
    pub fn edge(&self, n: u64) -> Option<u64> {
        match self {
            Clock::Edges(e) => e.get(n as usize).copied(),
            Clock::Regular { first, period, end } => {
                let t = first.checked_add(n.checked_mul(*period)?)?;
                (t <= *end).then_some(t)
            }
        }
    }

    /// Number of rising edges in the file.
    pub fn count(&self) -> u64 {
        match self {
            Clock::Edges(e) => e.len() as u64,
            Clock::Regular { first, period, end } => {
                if end < first {
                    0
                } else {
                    (end - first) / period + 1
                }
            }
        }
    }

    /// The last edge at or before `t` (the cycle that contains `t`).
    pub fn cycle_at(&self, t: u64) -> Option<u64> {
        match self {
            Clock::Edges(e) => e
                .partition_point(|&x| x <= t)
                .checked_sub(1)
                .map(|n| n as u64),
            Clock::Regular { first, period, .. } => (t >= *first).then(|| (t - first) / period),
        }
    }
}
