//! How big the core is on an iCE40 UP5K, alone: emit the SoC with an
//! RV32I or RV64I core (`soc::emit`), synthesise only its `ptu_soc_cpu`
//! module with Yosys `synth_ice40` and print the cells that count on the
//! UP5K (5280 LUT4s, 5280 flip-flops, 30 block RAMs). Placement and timing
//! are `ptu bench synth --design soc`'s (the whole SoC).
//!
//! ```sh
//! cargo run --release -p ptu-soc --example core_synth -- 32   # RV32I
//! cargo run --release -p ptu-soc --example core_synth -- 64   # RV64I
//! cargo run --release -p ptu-soc --example core_synth -- 32 soc
//! ```
//!
//! With `soc`, the whole SoC (`ptu_soc`: core, the unit of its width, UART,
//! timer) with 8 KiB of RAM (16 block RAMs; the 64 KiB of the memory map
//! do not fit the UP5K's 30 block RAMs) instead of the core alone.
//!
//! The Verilog and Yosys's log go to `target/core-synth/`.

use anyhow::{bail, Context, Result};
use ptu_soc::asm;
use ptu_soc::soc::{self, SocConfig};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

fn run() -> Result<()> {
    let xlen: usize = match std::env::args().nth(1).as_deref() {
        None | Some("32") => 32,
        Some("64") => 64,
        Some(x) => bail!("xlen {x}: give 32 or 64"),
    };
    let whole = match std::env::args().nth(2).as_deref() {
        None => false,
        Some("soc") => true,
        Some(x) => bail!("{x}: give `soc` for the whole SoC, or nothing for the core"),
    };
    let (top, tag) = if whole {
        ("ptu_soc", "soc")
    } else {
        ("ptu_soc_cpu", "cpu")
    };
    let mut cfg = SocConfig::new(vec![0x6f, 0, 0, 0]);
    cfg.cpu.xlen = xlen;
    if whole {
        cfg.ram_words = 1024;
    }
    let dir = asm::build_dir()
        .parent()
        .map(|t| t.join("core-synth"))
        .context("no target folder")?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let v = dir.join(format!("ptu_soc_rv{xlen}.v"));
    ptu_tools::write_atomic(&v, soc::emit(&cfg)?.as_bytes())?;
    let json = dir.join(format!("ptu_{tag}_rv{xlen}.json"));
    let script = format!(
        "read_verilog {}; synth_ice40 -top {top} -json {}; stat",
        v.display(),
        json.display()
    );
    let log = dir.join(format!("yosys_{tag}_rv{xlen}.log"));
    let r = ptu_tools::run(
        "yosys",
        &["-q", "-p", &script, "-l", log.to_str().unwrap()],
        &dir,
        &dir.join("yosys.out"),
    )?;
    if !r.success() {
        bail!("yosys failed ({}): see {}", r.status_text(), log.display());
    }
    let text = std::fs::read_to_string(&log)?;
    // The last `stat` block is the top's.
    let stat = text.rsplit(&format!("=== {top} ===")).next().unwrap_or("");
    let count = |cell: &str| -> u64 {
        stat.lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                let name = w.next()?;
                let n = w.next()?.parse::<u64>().ok()?;
                (name == cell || (cell.ends_with('*') && name.starts_with(&cell[..cell.len() - 1])))
                    .then_some(n)
            })
            .sum()
    };
    let luts = count("SB_LUT4");
    let ffs = count("SB_DFF*");
    let carry = count("SB_CARRY");
    let brams = count("SB_RAM40_4K");
    println!(
        "RV{xlen}I {} ({top}) on iCE40 UP5K, Yosys synth_ice40: {luts} LUT4 ({:.1} % of 5280), {ffs} flip-flops, {carry} SB_CARRY, {brams} SB_RAM40_4K",
        if whole { "SoC with 8 KiB RAM" } else { "core" },
        100.0 * luts as f64 / 5280.0
    );
    println!("(Verilog {}, log {})", v.display(), log.display());
    Ok(())
}
