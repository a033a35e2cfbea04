//! `ptu generate`: the unit's Verilog for one configuration, and what an
//! integrator needs beside it, all from the `ptu-arch` tables:
//!
//! | file | what |
//! |---|---|
//! | `ptu.v` | module `ptu` and its blocks ([`ptu_rtl::verilog::emit`]) |
//! | `ptu.vlt` | its Verilator waivers |
//! | `ptu_defs.vh` | the encodings as `` `define ``s: CSR addresses, event types, vectors, STATUS and EVENT_INFO fields, the frame |
//! | `ptu_inst.vh` | `ptu` instantiated with every port on a wire of the same name |
//! | `ptu.core` | a FuseSoC (CAPI2) core: `ptu:ptu:ptu:VERSION`, targets `default` and `lint` |
//!
//! `--top NAME` renames all of it so that two configurations can live in
//! one design ([`Top`]): module `NAME` and its blocks `NAME_<block>`
//! (the emission step names them, [`ptu_emit::tidy`]), macros
//! `NAME_UPPER_…`, instance `u_NAME` on wires `NAME_<port>`, core
//! `ptu:ptu:NAME`, files `NAME.v`, `NAME.vlt`, `NAME_defs.vh`,
//! `NAME_inst.vh`, `NAME.core`, each header saying `--top NAME`. The
//! default, `ptu`, is today's output byte for byte.
//!
//! Every text is made before the first file is written, and each file is
//! written through a temporary file ([`write_atomic`]): a refused
//! configuration or a failed emission leaves the folder as it was.

use anyhow::Result;
use clap::Args;
use ptu_arch::cli::ConfigArgs;
use ptu_arch::config::{self, PtuConfig};
use ptu_arch::{csr, event_info, event_type, status, vector, Dir, CPL_KERNEL, CPL_USER};
use ptu_tools::write_atomic;
use std::path::{Path, PathBuf};

/// The longest `--top` name taken.
pub const TOP_MAX: usize = 64;

/// The name of the emitted top module (`--top`), which every module,
/// macro, wire and file `ptu generate` writes is named after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Top(String);

impl Default for Top {
    fn default() -> Self {
        Top(ptu_rtl::verilog::TOP.to_string())
    }
}

impl std::str::FromStr for Top {
    type Err = String;

    /// A lower-case Verilog identifier: a letter, then letters, digits and
    /// `_`, at most [`TOP_MAX`] characters, not a Verilog keyword.
    fn from_str(s: &str) -> Result<Self, String> {
        let mut chars = s.chars();
        let ok = matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && s.len() <= TOP_MAX;
        if !ok {
            return Err(format!(
                "the module name must be a lower-case letter, then lower-case letters, digits \
                 or `_`, at most {TOP_MAX} characters: write e.g. --top ptu64"
            ));
        }
        if ptu_emit::lex::is_keyword(s) {
            return Err(format!(
                "`{s}` is a Verilog keyword: choose another module name, e.g. --top ptu_{s}"
            ));
        }
        Ok(Top(s.to_string()))
    }
}

impl Top {
    /// The module name.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// Whether this is the default name, `ptu`, whose files are today's.
    pub fn is_default(&self) -> bool {
        self.0 == ptu_rtl::verilog::TOP
    }

    /// The files written for this name, in the order they are written:
    /// `ptu.v`, `ptu.vlt`, `ptu_defs.vh`, `ptu_inst.vh`, `ptu.core` for the
    /// default.
    pub fn files(&self) -> [String; 5] {
        let t = &self.0;
        [
            format!("{t}.v"),
            format!("{t}.vlt"),
            format!("{t}_defs.vh"),
            format!("{t}_inst.vh"),
            format!("{t}.core"),
        ]
    }

    /// The prefix of every macro of the defines header: `PTU`, `PTU64`.
    pub fn macros(&self) -> String {
        self.0.to_ascii_uppercase()
    }

    /// The template's wire on `port`: the port's name for the default,
    /// `NAME_port` otherwise, so that two templates share no wire.
    pub fn wire(&self, port: &str) -> String {
        if self.is_default() {
            port.to_string()
        } else {
            format!("{}_{port}", self.0)
        }
    }

    /// `ptu generate`, with ` --top NAME` unless the name is the default.
    fn command(&self) -> String {
        if self.is_default() {
            "ptu generate".to_string()
        } else {
            format!("ptu generate --top {}", self.0)
        }
    }
}

/// The options of `ptu generate`.
#[derive(Args)]
pub struct GenerateArgs {
    /// Output folder (created if missing).
    #[arg(long, default_value = "build")]
    pub out: PathBuf,
    /// The configuration: --config FILE or --preset NAME.
    #[command(flatten)]
    pub cfg: ConfigArgs,
    /// Kernel RIP after reset (decimal or 0x hex); overrides the file's or
    /// the preset's value.
    #[arg(long, value_parser = ptu_arch::parse_u64)]
    pub reset_rip: Option<u64>,
    /// Name of the top module (a lower-case Verilog identifier); its
    /// blocks become NAME_<block>, the macros NAME_UPPER_*, the template's
    /// wires NAME_<port>, and the files NAME.v, NAME.vlt, NAME_defs.vh,
    /// NAME_inst.vh, NAME.core, so that two variants can live in one design.
    #[arg(long, value_name = "NAME", default_value = "ptu")]
    pub top: Top,
    /// Print the presets (name, generated or not yet, values, purpose) and stop.
    #[arg(long)]
    pub list_presets: bool,
}

/// Examples shown by `ptu generate --help`.
pub const EXAMPLES: &str = "\
Examples:
  ptu generate                               build/: ptu.v, ptu.vlt, ptu_defs.vh, ptu_inst.vh, ptu.core
  ptu generate --preset x86_64-default --reset-rip 0xffff800000000000
  ptu generate --config my-soc.toml --out rtl/ptu
  ptu generate --preset ice40-small-32 --top ptu32 --out rtl/ptu32   ptu32.v, ptu32_defs.vh, ...
  ptu generate --list-presets";

impl GenerateArgs {
    /// The configuration asked for (`--config`, `--preset` or the
    /// default), then `--reset-rip`; refused unless the RTL is generated
    /// for it.
    pub fn config(&self) -> Result<PtuConfig> {
        let mut cfg = self.cfg.config()?;
        if let Some(rip) = self.reset_rip {
            cfg.reset_rip = rip;
        }
        self.cfg.in_file(
            cfg.require_generated(", or `ptu sim --model-only` for its reference model"),
        )?;
        Ok(cfg)
    }
}

/// `ptu generate`.
pub fn run(args: &GenerateArgs) -> Result<()> {
    if args.list_presets {
        print!("{}", config::list_presets());
        return Ok(());
    }
    let cfg = args.config()?;
    let v = write_top(&args.out, &cfg, &args.top)?;
    let top = if args.top.is_default() {
        String::new()
    } else {
        format!(", top module {}", args.top.name())
    };
    println!(
        "wrote {} for configuration {}{top}\n  beside it: {}",
        v.display(),
        cfg.describe(),
        args.top.files()[1..].join(", ")
    );
    Ok(())
}

/// Write every file of [`Top::files`] of the default into `out` for `cfg`;
/// returns the path of `ptu.v`. All texts are made first, then each file is written atomically.
pub fn write(out: &Path, cfg: &PtuConfig) -> Result<PathBuf> {
    write_top(out, cfg, &Top::default())
}

/// Write every file of [`Top::files`] into `out` for `cfg` with top
/// module `top`; returns the path of the Verilog. All texts are made
/// first, then each file is written atomically.
pub fn write_top(out: &Path, cfg: &PtuConfig, top: &Top) -> Result<PathBuf> {
    let texts = [
        verilog(cfg, top)?,
        waivers(top),
        defs(cfg, top),
        instance(cfg, top),
        core(cfg, top),
    ];
    let files = top.files();
    for (name, text) in files.iter().zip(texts.iter()) {
        write_atomic(&out.join(name), text.as_bytes())?;
    }
    Ok(out.join(&files[0]))
}

/// The unit's Verilog for `cfg` with top module `top`: the default is
/// [`ptu_rtl::verilog::emit`]; another name is given to the same emission
/// step ([`ptu_emit::tidy`]), which names the top and every block after
/// it, with [`ptu_rtl::verilog::header`] saying the name and `--top`.
pub fn verilog(cfg: &PtuConfig, top: &Top) -> Result<String> {
    if top.is_default() {
        return ptu_rtl::verilog::emit(cfg);
    }
    let header = retitle(&ptu_rtl::verilog::header(cfg), top)?;
    ptu_emit::tidy(&ptu_rtl::verilog::raw(cfg)?, top.name(), &header)
}

/// The default's header of `ptu.v` with the file, the module and the
/// command of `top`; an error if its wording has changed.
fn retitle(header: &str, top: &Top) -> Result<String> {
    let default = Top::default();
    let (file, module) = (&default.files()[0], default.name());
    let mut text = header.to_string();
    for (from, to) in [
        (format!("// {file}: "), format!("// {}: ", top.files()[0])),
        (
            format!("module `{module}`"),
            format!("module `{}`", top.name()),
        ),
        (
            format!("with `{}`", default.command()),
            format!("with `{}`", top.command()),
        ),
    ] {
        anyhow::ensure!(
            text.matches(&from).count() == 1,
            "the header of {file} no longer says `{from}` once: update generate::retitle"
        );
        text = text.replacen(&from, &to, 1);
    }
    Ok(text)
}

/// The Verilator waivers for the Verilog of `top`: the default's
/// ([`ptu_rtl::verilog::WAIVERS`]), whose rules name file `ptu.v` and
/// modules `ptu`/`ptu_*`, with those names made `top`'s.
pub fn waivers(top: &Top) -> String {
    let text = ptu_rtl::verilog::WAIVERS;
    if top.is_default() {
        return text.to_string();
    }
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        out.push_str(&rename_words(line, top));
        out.push('\n');
        if i == 0 {
            out.push_str(&format!(
                "// Made by `{}`: the waivers of the default's ptu.v, for {}.\n",
                top.command(),
                top.files()[0],
            ));
        }
    }
    out
}

/// `line` with every word `ptu` made `top` and every word `ptu_X` made
/// `top_X` (a word: a run of letters, digits and `_`), but for words in a
/// path after a `/` (`rtl/generated/ptu.v` stays).
fn rename_words(line: &str, top: &Top) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let in_path = out.ends_with('/');
        if word == "ptu" && !in_path {
            out.push_str(top.name());
        } else if let (Some(rest), false) = (word.strip_prefix("ptu_"), in_path) {
            out.push_str(&format!("{}_{rest}", top.name()));
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in line.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The first lines of each integrator file: what it is, for which
/// configuration, from what.
fn banner(file: &str, what: &str, cfg: &PtuConfig, top: &Top) -> String {
    format!(
        "// {file}: {what}\n\
         // Generated by ptu {} with `{}`; do not edit.\n\
         // Configuration: {}\n\
         // Contract: docs/spec.md of the ptu repository.\n",
        env!("CARGO_PKG_VERSION"),
        top.command(),
        cfg.describe()
    )
}

/// `` `define NAME VALUE // doc `` lines, values and docs lined up.
fn defines(rows: &[(String, String, &str)]) -> String {
    let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let lines: Vec<String> = rows
        .iter()
        .map(|(n, v, _)| format!("`define {n:<w$} {v}"))
        .collect();
    let lw = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    lines
        .iter()
        .zip(rows)
        .map(|(line, (_, _, doc))| {
            if doc.is_empty() {
                format!("{line}\n")
            } else {
                format!("{line:<lw$}  // {doc}\n")
            }
        })
        .collect()
}

/// A sized hex literal of `width` bits.
fn hex(width: usize, v: u64) -> String {
    format!("{width}'h{v:0digits$x}", digits = width.div_ceil(4))
}

/// `ptu_defs.vh`: the encodings of `cfg` as Verilog macros, all from
/// `ptu-arch` (csr::TABLE, event_type, vector, status, event_info, the
/// frame layout of `cfg`), each named `PTU_…` (`NAME_UPPER_…` for another
/// `top`).
pub fn defs(cfg: &PtuConfig, top: &Top) -> String {
    let xlen = cfg.xlen;
    let p = top.macros();
    let mut s = banner(
        &top.files()[2],
        "the encodings of the privilege-transition unit, as `define macros.",
        cfg,
        top,
    );
    s.push_str(&format!(
        "// `include it where you drive or decode {}'s ports; every name starts with {p}_.\n\n\
         `ifndef {p}_DEFS_VH\n`define {p}_DEFS_VH\n\n",
        top.name()
    ));
    let row = |n: &str, v: String, doc: &'static str| (format!("{p}_{n}"), v, doc);

    s.push_str("// The configuration.\n");
    s.push_str(&defines(&[
        row(
            "XLEN",
            xlen.to_string(),
            "width of rip, rsp, gs_base, the CSRs and mem_*",
        ),
        row(
            "RESET_RIP",
            hex(xlen, cfg.reset_rip),
            "kernel RIP after reset",
        ),
        row(
            "IRQ_ENTRY",
            (cfg.irq_entry as u8).to_string(),
            "1: interrupts enter at ENTRY_IRQ",
        ),
        row(
            "FS_BANK",
            (cfg.fs_bank as u8).to_string(),
            "1: banked FS base, ports fs_*",
        ),
    ]));

    s.push_str("\n// Privilege levels (cpl).\n");
    s.push_str(&defines(&[
        row("CPL_KERNEL", format!("2'd{CPL_KERNEL}"), ""),
        row("CPL_USER", format!("2'd{CPL_USER}"), ""),
    ]));

    s.push_str("\n// CSR addresses (csr_addr); any other address raises #GP.\n");
    let mut csrs: Vec<(String, String, &str)> = csr::TABLE
        .iter()
        .map(|c| {
            (
                format!("{p}_CSR_{}", c.name),
                hex(8, c.addr as u64),
                c.access.spec(),
            )
        })
        .collect();
    if cfg.xlen == 32 {
        csrs.push(row(
            "CSR_EVENT_INFO_H",
            hex(8, config::EVENT_INFO_H as u64),
            "r",
        ));
    }
    if cfg.irq_entry {
        csrs.push(row("CSR_ENTRY_IRQ", hex(8, config::ENTRY_IRQ as u64), "rw"));
    }
    if cfg.fs_bank {
        csrs.push(row(
            "CSR_UFS",
            hex(8, config::UFS as u64),
            "rw, the user copy",
        ));
    }
    csrs.sort_by_key(|r| r.1.clone());
    s.push_str(&defines(&csrs));

    s.push_str("\n// Event types (EVENT_INFO type field), FRED's numbering.\n");
    let types = [
        event_type::EXTERNAL_INTERRUPT,
        event_type::NMI,
        event_type::HARDWARE_EXCEPTION,
        event_type::OTHER,
    ];
    let names = ["EXTERNAL_INTERRUPT", "NMI", "HARDWARE_EXCEPTION", "OTHER"];
    let docs = [
        "interrupt",
        "NMI",
        "fault, #GP, machine check, #DF",
        "SYSCALL",
    ];
    let rows: Vec<_> = types
        .iter()
        .zip(names)
        .zip(docs)
        .map(|((t, n), d)| (format!("{p}_EVENT_TYPE_{n}"), format!("3'd{t}"), d))
        .collect();
    s.push_str(&defines(&rows));

    s.push_str("\n// Vectors (EVENT_INFO vector field) the unit itself uses, x86's numbering.\n");
    let vectors = [
        ("DE", vector::DE, "divide error"),
        ("NMI", vector::NMI, ""),
        ("UD", vector::UD, "invalid opcode"),
        ("DF", vector::DF, "double fault"),
        ("GP", vector::GP, "general protection"),
        ("PF", vector::PF, "page fault"),
        ("MC", vector::MC, "machine check"),
        ("SYSCALL", vector::SYSCALL, ""),
        ("FIRST_IRQ", vector::FIRST_IRQ, "interrupts are 32..255"),
    ];
    let rows: Vec<_> = vectors
        .iter()
        .map(|(n, v, d)| (format!("{p}_VECTOR_{n}"), format!("8'd{v}"), *d))
        .collect();
    s.push_str(&defines(&rows));

    s.push_str("\n// STATUS bits (bit numbers) and the bits that exist.\n");
    s.push_str(&defines(&[
        row(
            "STATUS_IF",
            status::IF.to_string(),
            "interrupts enabled in kernel mode",
        ),
        row(
            "STATUS_FRAMED",
            status::FRAMED.to_string(),
            "the handler was entered with a frame",
        ),
        row("STATUS_NMI_BLOCKED", status::NMI_BLOCKED.to_string(), ""),
        row(
            "STATUS_PREV_USER",
            status::PREV_USER.to_string(),
            "the handler interrupted user mode",
        ),
        row(
            "STATUS_CRITICAL",
            status::CRITICAL.to_string(),
            "the handler runs on the critical stack",
        ),
        row("STATUS_MASK", hex(xlen, status::MASK), ""),
    ]));

    s.push_str(
        "\n// EVENT_INFO fields (ranges of the 64-bit event_info) and the bits that exist.\n",
    );
    let ty_msb = event_info::TYPE_LSB + event_info::TYPE_MASK.count_ones() - 1;
    let vec_msb = event_info::ERROR_LSB - 1;
    let err_msb = event_info::FROM_USER - 1;
    s.push_str(&defines(&[
        row(
            "EVENT_INFO_TYPE",
            format!("{ty_msb}:{}", event_info::TYPE_LSB),
            "",
        ),
        row(
            "EVENT_INFO_VECTOR",
            format!("{vec_msb}:{}", event_info::VECTOR_LSB),
            "",
        ),
        row(
            "EVENT_INFO_ERROR",
            format!("{err_msb}:{}", event_info::ERROR_LSB),
            "error code",
        ),
        row(
            "EVENT_INFO_FROM_USER",
            event_info::FROM_USER.to_string(),
            "the event interrupted user mode",
        ),
        row(
            "EVENT_INFO_ERROR_VALID",
            event_info::ERROR_VALID.to_string(),
            "the error code is valid",
        ),
        row("EVENT_INFO_MASK", hex(64, event_info::MASK), ""),
    ]));

    let f = cfg.frame();
    s.push_str(
        "\n// The frame pushed below the stack top: byte offsets from its lowest word\n\
         // (the kernel RSP after a framed entry).\n",
    );
    let mut rows = vec![
        row(
            "FRAME_WORDS",
            f.words.to_string(),
            "written highest address first",
        ),
        row("FRAME_WORD_BYTES", f.word_bytes.to_string(), ""),
        row(
            "FRAME_BYTES",
            f.bytes.to_string(),
            "new kernel RSP = stack top - FRAME_BYTES",
        ),
        row("FRAME_OFF_EVENT_DATA", f.off_event_data.to_string(), ""),
    ];
    match f.off_event_info_hi {
        None => rows.push(row(
            "FRAME_OFF_EVENT_INFO",
            f.off_event_info.to_string(),
            "",
        )),
        Some(hi) => {
            rows.push(row(
                "FRAME_OFF_EVENT_INFO",
                f.off_event_info.to_string(),
                "bits 31:0",
            ));
            rows.push(row("FRAME_OFF_EVENT_INFO_H", hi.to_string(), "bits 63:32"));
        }
    }
    rows.extend([
        row("FRAME_OFF_STATUS", f.off_status.to_string(), ""),
        row(
            "FRAME_OFF_RSP",
            f.off_rsp.to_string(),
            "the interrupted kernel RSP",
        ),
        row(
            "FRAME_OFF_RIP",
            f.off_rip.to_string(),
            "the kernel RIP to return to",
        ),
    ]);
    s.push_str(&defines(&rows));
    s.push_str(&format!("\n`endif // {p}_DEFS_VH\n"));
    s
}

/// `ptu_inst.vh`: a wire per port of `cfg` ([`PtuConfig::ports`], SPEC's
/// order) and `ptu` instantiated on them as `u_ptu`, to `include inside a
/// module. For another `top`: wires `NAME_<port>`, instance `u_NAME`.
pub fn instance(cfg: &PtuConfig, top: &Top) -> String {
    let t = top.name();
    let what = if top.is_default() {
        format!("module `{t}` instantiated with every port on a wire of the same name.")
    } else {
        format!("module `{t}` instantiated with every port on a wire `{t}_<port>`.")
    };
    let mut s = banner(&top.files()[3], &what, cfg, top);
    s.push_str(
        "// `include it inside your module, drive the input wires, read the output\n\
         // wires (docs/spec.md, \"Ports\", says what each one means).\n\n",
    );
    let ports = cfg.ports();
    let decl = |w: usize| {
        if w == 1 {
            String::new()
        } else {
            format!("[{}:0]", w - 1)
        }
    };
    let dw = ports.iter().map(|p| decl(p.2).len()).max().unwrap_or(0);
    let nw = ports.iter().map(|p| p.0.len()).max().unwrap_or(0);
    let ww = ports.iter().map(|p| top.wire(p.0).len()).max().unwrap_or(0);
    for (name, dir, width) in &ports {
        let d = match dir {
            Dir::In => "input",
            Dir::Out => "output",
        };
        s.push_str(&format!(
            "wire {:<dw$} {:<ww1$} // {d} of {t}, {width} bit{}\n",
            decl(*width),
            format!("{};", top.wire(name)),
            if *width == 1 { "" } else { "s" },
            ww1 = ww + 1
        ));
    }
    s.push_str(&format!("\n{t} u_{t} (\n"));
    let last = ports.len() - 1;
    for (i, (name, _, _)) in ports.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        s.push_str(&format!("    .{name:<nw$}({}){comma}\n", top.wire(name)));
    }
    s.push_str(");\n");
    s
}

/// `ptu.core`: a FuseSoC CAPI2 core file for the files beside it; for
/// another `top`, core `ptu:ptu:NAME` with toplevel `NAME`.
pub fn core(cfg: &PtuConfig, top: &Top) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let [v, vlt, defs, inst, core] = top.files();
    format!(
        "CAPI=2:\n\
         # {core}: the privilege-transition unit as a FuseSoC core.\n\
         # Generated by ptu {version} with `{command}`; do not edit.\n\
         # Configuration: {desc}\n\
         name: ptu:ptu:{t}:{version}\n\
         description: Privilege-transition unit, configuration {name}\n\
         \n\
         filesets:\n\
         \x20 rtl:\n\
         \x20   files:\n\
         \x20     - {defs}:\n\
         \x20         is_include_file: true\n\
         \x20     - {inst}:\n\
         \x20         is_include_file: true\n\
         \x20     - {v}\n\
         \x20   file_type: verilogSource\n\
         \x20 waivers:\n\
         \x20   files:\n\
         \x20     - {vlt}\n\
         \x20   file_type: vlt\n\
         \n\
         targets:\n\
         \x20 default:\n\
         \x20   filesets:\n\
         \x20     - rtl\n\
         \x20   toplevel: {t}\n\
         \x20 lint:\n\
         \x20   default_tool: verilator\n\
         \x20   filesets:\n\
         \x20     - rtl\n\
         \x20     - waivers\n\
         \x20   toplevel: {t}\n\
         \x20   tools:\n\
         \x20     verilator:\n\
         \x20       mode: lint-only\n\
         \x20       verilator_options:\n\
         \x20         - -Wall\n",
        desc = cfg.describe(),
        name = cfg.name,
        command = top.command(),
        t = top.name(),
    )
}
