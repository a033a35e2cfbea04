//! The Verilator vector harness, generated from the port table, and its
//! cached build.
//!
//! The harness drives the emitted `ptu` itself (`--top-module ptu`): its
//! inputs change after the falling edge, so the logic they feed runs in
//! Verilator's input-combinational (`ico`) region. Verilator 5.006
//! mis-simulated that while the emitted file had false combinational
//! loops (rust-hdl's one always-block per module, waived UNOPTFLAT): the
//! `ico` region's trigger check shared the previous value of a signal in
//! such a loop with the active region, which then missed its change (a
//! framed ERET completed one cycle early). The emission step now splits
//! those blocks (`split_blocks` in `emit/src/passes.rs`), the file has no
//! loop and no UNOPTFLAT waiver, and the harness needs no wrapper that
//! registers the inputs: the figures are those of the design alone.

use crate::cache;
use anyhow::{bail, Result};
use ptu_arch::PtuConfig;
use ptu_rtl::verilog::{TOP, WAIVERS};
use ptu_sim::vectors::Columns;
use ptu_tools::Fnv;
use ptu_tools::{self as tools, Run};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// File name of the generated harness.
pub const HARNESS_FILE: &str = "ptu_vectors_tb.cpp";

/// Name of the built executable (in `obj_dir/`).
pub const EXE: &str = "ptu_vectors_tb";

/// The Verilator command-line options of the build, before the files.
pub const FLAGS: [&str; 12] = [
    "--cc",
    "--exe",
    "--build",
    "-O2",
    "-Wall",
    "--trace",
    "--top-module",
    TOP,
    // The C++ compiler's optimisation (Verilator's default is -Os).
    "-MAKEFLAGS",
    "OPT_FAST=-O2",
    "-MAKEFLAGS",
    "OPT_GLOBAL=-O2",
];

fn ctype(width: usize) -> &'static str {
    match width {
        1..=8 => "CData",
        9..=16 => "SData",
        17..=32 => "IData",
        _ => "QData",
    }
}

/// The fixed part of the harness: reading and parsing vector lines.
const READER: &str = r#"
namespace {

// Lines of a file or FIFO, read in large blocks with read(2).
class Reader {
  public:
    explicit Reader(int fd) : fd_(fd), buf_(new char[CAP]) {}
    // The next line (without its newline) in [*begin, *end); false at the
    // end of the input, or with *begin == nullptr if a line is too long.
    bool line(const char** begin, const char** end) {
        for (;;) {
            const char* s = buf_.get() + pos_;
            const char* nl = static_cast<const char*>(std::memchr(s, '\n', len_ - pos_));
            if (nl) {
                *begin = s;
                *end = nl;
                pos_ = nl - buf_.get() + 1;
                return true;
            }
            if (eof_) {
                if (pos_ == len_) return false;
                *begin = s;
                *end = buf_.get() + len_;
                pos_ = len_;
                return true;
            }
            std::memmove(buf_.get(), s, len_ - pos_);
            len_ -= pos_;
            pos_ = 0;
            if (len_ == CAP) {
                *begin = nullptr;
                return true;
            }
            ssize_t n;
            do {
                n = ::read(fd_, buf_.get() + len_, CAP - len_);
            } while (n < 0 && errno == EINTR);
            if (n <= 0) eof_ = true;
            else len_ += n;
        }
    }

  private:
    static const size_t CAP = 1 << 20;
    int fd_;
    std::unique_ptr<char[]> buf_;
    size_t pos_ = 0, len_ = 0;
    bool eof_ = false;
};

signed char HEX[256];

void init_hex() {
    for (int c = 0; c < 256; c++) HEX[c] = -1;
    for (int c = 0; c < 10; c++) HEX['0' + c] = c;
    for (int c = 0; c < 6; c++) HEX['a' + c] = HEX['A' + c] = 10 + c;
}

inline bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// A vector line into v: 1; 0 for a blank or comment line; -1 if malformed.
int parse(const char* p, const char* e, uint64_t* v) {
    while (p < e && blank(*p)) p++;
    if (p == e || *p == '#') return 0;
    for (int k = 0; k < N_FIELDS; k++) {
        while (p < e && blank(*p)) p++;
        const char* s = p;
        uint64_t x = 0;
        int d;
        while (p < e && (d = HEX[static_cast<unsigned char>(*p)]) >= 0) {
            x = (x << 4) | static_cast<uint64_t>(d);
            p++;
        }
        if (p == s || p - s > 16) return -1;
        v[k] = x;
    }
    while (p < e && blank(*p)) p++;
    return p == e ? 1 : -1;
}

}  // namespace
"#;

/// The C++ harness of the default configuration ([`harness_for`]).
pub fn harness() -> String {
    harness_for(&PtuConfig::default())
}

/// The C++ harness of the unit configured as `cfg` (its ports and their
/// widths, the vectors' columns: [`Columns::for_config`]). Usage: `ptu_vectors_tb VECTORS [VCD]`: reads the
/// vectors (a file or a FIFO, streamed), prints the same lines as the
/// Icarus testbench, and writes a VCD of `ptu`'s ports and internals if a
/// second argument is given. Exit status 0 when every cycle matched, 1 on
/// a mismatch, 2 on an error.
pub fn harness_for(cfg: &PtuConfig) -> String {
    let tb = crate::TB;
    let cols = Columns::for_config(cfg);
    let inputs: Vec<&str> = cols.inputs.iter().map(|c| c.0).collect();
    let outputs: Vec<&str> = cols.outputs.iter().map(|c| c.0).collect();
    let width = |p: &str| cols.width(p);
    let n_in = inputs.len();
    let mut h = format!(
        "// {HARNESS_FILE}: generated by ptu-testbenches {} (testbenches/src/verilator.rs); do not edit.\n\
         // Test vectors (sim/src/vectors.rs) against the Verilated `ptu`:\n\
         // reset is held high for one clock edge, then for each vector line the inputs are\n\
         // applied after the falling edge and all {} outputs are compared before the rising edge.\n\
         // Usage: {EXE} VECTORS [VCD]\n\
         {}\
         #include \"V{TOP}.h\"\n\
         #include \"verilated.h\"\n\
         #include \"verilated_vcd_c.h\"\n\
         #include <cerrno>\n\
         #include <cinttypes>\n\
         #include <cstdint>\n\
         #include <cstdio>\n\
         #include <cstring>\n\
         #include <fcntl.h>\n\
         #include <memory>\n\
         #include <unistd.h>\n\
         \n\
         static const int N_FIELDS = {};\n\
         // Half a clock period in VCD time units (picoseconds).\n\
         static const uint64_t HALF_PS = {};\n",
        env!("CARGO_PKG_VERSION"),
        outputs.len(),
        crate::icarus::config_line(cfg, "//"),
        n_in + outputs.len(),
        ptu_sim::rtl::CLOCK_PERIOD_PS / 2,
    );
    h.push_str(READER);
    let w = &mut h;
    let _ = write!(
        w,
        r#"
int main(int argc, char** argv) {{
    if (argc < 2 || argc > 3) {{
        std::printf("{tb}: ERROR usage: {EXE} VECTORS [VCD]\n");
        return 2;
    }}
    init_hex();
    const int fd = ::open(argv[1], O_RDONLY);
    if (fd < 0) {{
        std::printf("{tb}: ERROR cannot open vector file %s: %s\n", argv[1], std::strerror(errno));
        return 2;
    }}
    Reader reader(fd);
    const std::unique_ptr<VerilatedContext> ctx{{new VerilatedContext}};
    const bool trace = argc == 3;
    if (trace) ctx->traceEverOn(true);
    const std::unique_ptr<V{TOP}> top{{new V{TOP}{{ctx.get(), "{tb}"}}}};
    std::unique_ptr<VerilatedVcdC> vcd;
    if (trace) {{
        vcd.reset(new VerilatedVcdC);
        top->trace(vcd.get(), 99);
        // Times in picoseconds, one clock period of 10 ns per cycle, as the
        // rust-hdl and Icarus VCDs have.
        vcd->set_time_unit("1ps");
        vcd->set_time_resolution("1ps");
        vcd->open(argv[2]);
        if (!vcd->isOpen()) {{
            std::printf("{tb}: ERROR cannot write VCD %s\n", argv[2]);
            return 2;
        }}
    }}
    uint64_t t = 0;
    // One edge with reset high and every other input low.
    top->clock = 0;
"#
    );
    for &p in &inputs {
        let value = if p == "reset" { 1 } else { 0 };
        let _ = writeln!(w, "    top->{p} = {value};");
    }
    let _ = write!(
        w,
        r#"    top->eval();
    if (vcd) vcd->dump(t);
    top->clock = 1;
    top->eval();
    if (vcd) vcd->dump(t + HALF_PS);
    t += 2 * HALF_PS;
    uint64_t v[N_FIELDS];
    uint64_t cycle = 0, line = 0;
    const char* b;
    const char* e;
    while (reader.line(&b, &e)) {{
        line++;
        const int got = b ? parse(b, e, v) : -1;
        if (got == 0) continue;
        if (got < 0) {{
            std::printf("{tb}: ERROR bad vector line %" PRIu64 ": want %d hex fields (sim/src/vectors.rs)\n", line, N_FIELDS);
            return 2;
        }}
        // After the falling edge: this cycle's inputs.
        top->clock = 0;
"#
    );
    for (k, p) in inputs.iter().enumerate() {
        let _ = writeln!(w, "        top->{p} = ({})v[{k}];", ctype(width(p)));
    }
    let _ = writeln!(
        w,
        "        top->eval();\n        if (vcd) vcd->dump(t);\n        bool bad = false;"
    );
    for (k, p) in outputs.iter().enumerate() {
        let e = n_in + k;
        let _ = writeln!(
            w,
            r#"        if ((uint64_t)top->{p} != v[{e}]) {{
            std::printf("MISMATCH cycle %" PRIu64 " port {p} expected %" PRIx64 " got %" PRIx64 "\n", cycle, v[{e}], (uint64_t)top->{p});
            bad = true;
        }}"#
        );
    }
    let _ = write!(
        w,
        r#"        // The rising edge.
        top->clock = 1;
        top->eval();
        if (vcd) vcd->dump(t + HALF_PS);
        if (bad) {{
            std::printf("{tb}: FAILED at cycle %" PRIu64 "\n", cycle);
            if (vcd) vcd->close();
            top->final();
            return 1;
        }}
        t += 2 * HALF_PS;
        cycle++;
    }}
    if (vcd) vcd->close();
    top->final();
    std::printf("{tb}: %" PRIu64 " cycles passed\n", cycle);
    return 0;
}}
"#
    );
    h
}

/// Build `ptu_v` with the harness (cached by a hash of
/// the Verilog, the waivers, the harness, the flags and Verilator's
/// version). Returns the build folder, the executable and whether it was
/// built now.
pub(crate) fn prepare(
    cfg: &PtuConfig,
    ptu_v: &str,
    work: &Path,
) -> Result<(PathBuf, PathBuf, bool)> {
    let cpp = harness_for(cfg);
    let vlt = WAIVERS;
    let key = Fnv::new()
        .part("verilator")
        .part(&cpp)
        .part(ptu_v)
        .part(vlt)
        .part(FLAGS.join(" "))
        .part(cache::tool_version("verilator", "--version")?);
    let (dir, built) = cache::cached(work, "verilator", key, |d| {
        std::fs::write(d.join("ptu.v"), ptu_v)?;
        std::fs::write(d.join("ptu.vlt"), vlt)?;
        std::fs::write(d.join(HARNESS_FILE), &cpp)?;
        build(d)
    })?;
    Ok((dir.clone(), dir.join("obj_dir").join(EXE), built))
}

fn build(dir: &Path) -> Result<()> {
    let jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .to_string();
    let mut args: Vec<&str> = FLAGS.to_vec();
    // The waiver file must come before the Verilog it waives.
    args.extend_from_slice(&[
        "-j",
        &jobs,
        "--Mdir",
        "obj_dir",
        "-o",
        EXE,
        "ptu.vlt",
        "ptu.v",
        HARNESS_FILE,
    ]);
    let log = dir.join("verilator.log");
    let run = tools::run("verilator", &args, dir, &log)?;
    let warnings: Vec<&str> = run
        .output
        .lines()
        .filter(|l| l.starts_with("%Warning") || l.starts_with("%Error"))
        .collect();
    if !warnings.is_empty() {
        bail!(
            "verilator reported {} problem(s) building {}, log: {}\n{}",
            warnings.len(),
            dir.join("ptu.v").display(),
            log.display(),
            warnings.join("\n")
        );
    }
    if !run.success() {
        return Err(run.failure());
    }
    if !dir.join("obj_dir").join(EXE).is_file() {
        bail!(
            "verilator built no {EXE} in {}, log: {}",
            dir.join("obj_dir").display(),
            log.display()
        );
    }
    Ok(())
}

/// `EXE VECTORS [VCD]` in `dir`, output in `log`.
pub(crate) fn run(
    exe: &Path,
    vectors: &Path,
    vcd: Option<&Path>,
    dir: &Path,
    log: &Path,
) -> Result<(String, Run)> {
    let mut args = vec![vectors.to_path_buf()];
    if let Some(v) = vcd {
        args.push(v.to_path_buf());
    }
    let exe_s = exe.to_string_lossy().into_owned();
    Ok((
        "verilator harness".to_string(),
        tools::run(&exe_s, &args, dir, log)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptu_sim::vectors::{INPUTS, OUTPUTS};

    #[test]
    fn the_verilator_vcd_counts_picoseconds_with_a_10_ns_clock() {
        crate::icarus::tests::check_vcd_time(crate::Simulator::Verilator);
    }

    #[test]
    fn the_harness_drives_every_input_and_checks_every_output() {
        let h = harness();
        for (k, p) in INPUTS.iter().enumerate() {
            assert!(h.contains(&format!("top->{p} = (")), "{p}");
            assert!(h.contains(&format!("v[{k}];")), "{p}");
        }
        for p in OUTPUTS {
            assert!(h.contains(&format!("port {p} expected")), "{p}");
        }
        assert!(h.contains("top->next_rip = (QData)v[2];"));
        assert!(h.contains("top->exc_error = (IData)v[15];"));
        assert!(h.contains("static const int N_FIELDS = 40;"));
        assert!(!h.contains("Configuration:"));
    }

    #[test]
    fn a_configuration_gets_its_own_ports_and_widths() {
        let small = ptu_arch::config::preset("ice40-small-32").unwrap().config();
        let h = harness_for(&small);
        assert!(h.contains("top->next_rip = (IData)v[2];"), "{h}");
        assert!(h.contains("top->mem_rdata = (IData)v[23];"));
        assert!(h.contains("static const int N_FIELDS = 40;"));
        assert!(h.contains("// Configuration: ice40-small-32 (xlen=32 "));
        let full = ptu_arch::config::preset("x86_64-full").unwrap().config();
        let h = harness_for(&full);
        assert!(h.contains("top->fs_we = (CData)v[7];"), "{h}");
        assert!(h.contains("top->fs_wdata = (QData)v[8];"));
        assert!(h.contains("port fs_base expected"));
        assert!(h.contains("static const int N_FIELDS = 43;"));
    }

    #[test]
    fn the_harness_drives_ptu_itself() {
        let h = harness();
        assert!(h.contains("#include \"Vptu.h\""));
        assert!(
            h.contains("const std::unique_ptr<Vptu> top{new Vptu{ctx.get(), \"ptu_vectors_tb\"}};")
        );
        assert!(!h.contains("apply"), "{h}");
        assert_eq!(FLAGS[6..8], ["--top-module", "ptu"]);
    }
}
