//! The SoC with its RAM in the iCE40UP5K's SPRAM (`spram.rs`,
//! `RamKind::Up5kSpram`) runs programs as the SoC with inferred block RAM
//! does, once the boot copy is done:
//!
//! * rust-hdl: the directed programs (RV64I and RV32I) and the kernel
//!   give the same verdict, UART bytes and instructions, and exactly
//!   `SocRam::boot_cycles` - 1 more cycles (the SoC waits in reset while
//!   the image is copied in; the copy's first edge is the run's reset);
//! * a 32-bit-word RAM is two SPRAMs and boots its image under Icarus;
//! * the emitted Verilog, with Yosys's `SB_SPRAM256KA` model
//!   (`ice40/cells_sim.v`), lints clean in Verilator `-Wall` and Icarus,
//!   and runs a program under Icarus to rust-hdl's verdict, UART bytes and
//!   cycle count;
//! * Yosys `synth_ice40` maps the RAM to 4 `SB_SPRAM256KA` and its boot
//!   ROM (the kernel's non-zero runs) to a few `SB_RAM40_4K`.

use ptu_soc::asm;
use ptu_soc::kernel::{self, Variant};
use ptu_soc::run::{self, Outcome, RunOptions};
use ptu_soc::soc::{self, SocConfig, RAM_WORD_BITS, TOP};
use ptu_soc::spram::{segments, RamKind, SocRam};
use rust_hdl::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

mod board_top;
use board_top::{cells_sim, run as tool};

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn image(name: &str) -> Vec<u8> {
    let src = asm::programs_dir().join("isa").join(format!("{name}.S"));
    asm::load(&src).unwrap_or_else(|e| panic!("{e:#}")).image
}

fn config(image: Vec<u8>, kind: RamKind) -> SocConfig {
    let mut cfg = SocConfig::new(image);
    cfg.ram_kind = kind;
    cfg
}

fn rtl(cfg: &SocConfig, max_cycles: u64) -> Outcome {
    run::run(
        cfg,
        &RunOptions {
            max_cycles,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e:#}"))
}

/// The cycles the SPRAM's boot adds to a run: its copy's edges but the
/// first, which is the run's reset edge (the SoC is reset then anyway).
fn boot() -> u64 {
    let words = SocConfig::new(vec![]).ram_words;
    SocRam::<RAM_WORD_BITS>::boot_cycles(RamKind::Up5kSpram, words) - 1
}

/// The two runs agree but for the SPRAM's boot.
fn same_but_boot(name: &str, block: &Outcome, spram: &Outcome) {
    assert!(block.tohost.is_some(), "{name}: no verdict on block RAM");
    assert_eq!(block.tohost, spram.tohost, "{name}: verdict");
    assert_eq!(block.uart, spram.uart, "{name}: UART bytes");
    assert_eq!(block.instret, spram.instret, "{name}: instructions");
    assert_eq!(block.shutdown, spram.shutdown, "{name}: shutdown");
    assert_eq!(
        spram.cycles,
        block.cycles + boot(),
        "{name}: cycles (block RAM {}, SPRAM {}, boot {})",
        block.cycles,
        spram.cycles,
        boot()
    );
}

#[test]
fn the_directed_programs_run_the_same_on_spram_and_block_ram() {
    let names = [
        "alu",
        "alu_w",
        "branch",
        "jump",
        "mem",
        "shift",
        "timer",
        "priv_csr",
        "priv_mem",
        "priv_syscall",
        "priv_user",
    ];
    for name in names {
        let img = image(name);
        let block = rtl(&config(img.clone(), RamKind::Inferred), 2_000_000);
        let spram = rtl(&config(img, RamKind::Up5kSpram), 2_000_000 + boot());
        same_but_boot(name, &block, &spram);
        println!(
            "{name}: {:?}, {} cycles on block RAM, {} on SPRAM",
            block.verdict(),
            block.cycles,
            spram.cycles
        );
    }
}

/// The RV32I SoC (`Soc<32>`, whose RAM is still 64 bits wide for the
/// 64-bit unit's frames) on SPRAM, as on block RAM.
#[test]
fn the_rv32i_programs_run_the_same_on_spram_and_block_ram() {
    for name in [
        "alu",
        "branch",
        "jump",
        "mem",
        "shift",
        "priv_mem",
        "priv_syscall",
        "priv_user",
    ] {
        let src = asm::isa_program(name, 32).unwrap_or_else(|e| panic!("{e:#}"));
        let img = asm::load_xlen(&src, 32)
            .unwrap_or_else(|e| panic!("{e:#}"))
            .image;
        let on = |kind| {
            let mut cfg = SocConfig::rv32(img.clone());
            cfg.ram_kind = kind;
            cfg
        };
        let block = rtl(&on(RamKind::Inferred), 2_000_000);
        let spram = rtl(&on(RamKind::Up5kSpram), 2_000_000 + boot());
        same_but_boot(&format!("rv32 {name}"), &block, &spram);
    }
}

#[test]
fn the_kernel_runs_the_same_on_spram_and_block_ram() {
    let k = kernel::build(Variant::Correct).unwrap_or_else(|e| panic!("{e:#}"));
    let block = rtl(
        &config(k.program.image.clone(), RamKind::Inferred),
        5_000_000,
    );
    let spram = rtl(
        &config(k.program.image.clone(), RamKind::Up5kSpram),
        5_000_000,
    );
    same_but_boot("kernel", &block, &spram);
    assert!(
        block.uart_text().contains("summary"),
        "{}",
        block.uart_text()
    );
}

/// The SPRAM holds the image after the boot copy and nothing else: the
/// model's words (which the copy does not change) and what `booting` says.
#[test]
fn the_spram_model_boots_for_its_cycles_and_then_takes_writes() {
    let image: Vec<u64> = vec![5, 0, 7];
    let mut ram = SocRam::<4>::new(RamKind::Up5kSpram, 16, &image, true);
    ram.connect_all();
    assert!(simulate(&mut ram, 10));
    let mut edges = 0;
    let edge = |ram: &mut SocRam<4>| {
        ram.clock.next = Clock::from(false);
        assert!(simulate(ram, 10));
        ram.clock.next = Clock::from(true);
        assert!(simulate(ram, 10));
    };
    ram.write_enable.next = true;
    ram.write_address.next = 2.into();
    ram.write_data.next = 99.into();
    while ram.booting.val() {
        edge(&mut ram);
        edges += 1;
        assert!(edges < 100);
    }
    assert_eq!(edges, SocRam::<4>::boot_cycles(RamKind::Up5kSpram, 16));
    // Writes during the boot were not taken.
    assert_eq!(ram.word(2), 7);
    edge(&mut ram);
    assert_eq!(ram.word(2), 99);
    ram.write_enable.next = false;
    ram.read_address.next = 0.into();
    edge(&mut ram);
    assert_eq!(ram.read_data.val().to_u64(), 5);
}

// ---- The Verilog with the SPRAM primitives.

fn problems(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let l = l.to_lowercase();
            l.contains("warning") || l.contains("error")
        })
        .collect()
}

/// The Verilator waivers of the emitted SoC, and the one for Yosys's cell
/// models (not this project's text).
fn waivers(dir: &Path) -> PathBuf {
    let own =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ptu_soc.vlt")).unwrap();
    let f = dir.join("spram.vlt");
    std::fs::write(
        &f,
        format!("{own}\n// Yosys's iCE40 cell models are linted by Yosys, not here.\nlint_off -file \"*cells_sim.v\"\n"),
    )
    .unwrap();
    f
}

/// An Icarus testbench for `ptu_soc`: one reset edge, then clocks until
/// `tohost_valid`, counting edges as `run::run` does, and the UART line
/// decoded at `cpb` cycles per bit (it runs on after `tohost` until the
/// line has been idle for a frame, so the last byte is whole).
fn testbench(cpb: u64, max: u64) -> String {
    format!(
        r#"`timescale 1ns/1ps
module tb;
   reg clock = 1'b0;
   reg reset = 1'b1;
   reg nmi = 1'b0;
   wire tx;
   wire tohost_valid;
   wire [63:0] tohost;
   {TOP} dut(.clock(clock), .reset(reset), .nmi(nmi), .tx(tx), .tohost_valid(tohost_valid), .tohost(tohost));
   integer cycles = 0;
   integer done_at = -1;
   integer rx_at = -1;
   integer idle = 0;
   reg [7:0] rx = 8'd0;
   integer k;
   initial begin
      #5 clock = 1'b1;
      #5 clock = 1'b0;
      reset = 1'b0;
      forever begin
         #5 clock = 1'b1;
         cycles = cycles + 1;
         #1;
         if (done_at < 0 && tohost_valid) begin
            done_at = cycles;
            $display("tohost %0d cycles %0d", tohost, cycles);
         end
         if (rx_at < 0) begin
            if (tx == 1'b0) rx_at = cycles;
            idle = tx ? idle + 1 : 0;
         end else begin
            k = cycles - rx_at;
            if (k % {cpb} == {cpb} / 2 && k / {cpb} >= 1 && k / {cpb} <= 8) rx[k / {cpb} - 1] = tx;
            if (k == 9 * {cpb} + {cpb} / 2) begin
               if (tx) $display("uart %0d", rx); else $display("uart %0d framing-error", rx);
               rx_at = -1;
            end
         end
         if ((done_at >= 0 && idle > 12 * {cpb}) || cycles > {max}) begin
            $display("end %0d", cycles);
            $finish;
         end
         #4 clock = 1'b0;
      end
   end
endmodule
"#
    )
}

#[test]
fn the_spram_soc_verilog_lints_and_runs_a_program_under_icarus_as_on_rust_hdl() {
    let dir = scratch("spram-icarus");
    let cfg = config(image("priv_user"), RamKind::Up5kSpram);
    let v = soc::emit(&cfg).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(v.matches("SB_SPRAM256KA spram_").count(), 4);
    assert!(!v.contains("reg [63:0] mem["), "no inferred RAM left");
    let f = dir.join(format!("{TOP}.v"));
    std::fs::write(&f, &v).unwrap();
    let cells = cells_sim();

    // Verilator -Wall: the SoC's own waivers and none for the RAM. Verilator
    // does not parse all of cells_sim.v (its block RAM models), so it gets
    // the SPRAM's model alone, cut out of it.
    let vlt = waivers(&dir);
    let text = std::fs::read_to_string(&cells).unwrap();
    let from = text
        .find("module SB_SPRAM256KA")
        .expect("SB_SPRAM256KA in cells_sim.v");
    let to = from + text[from..].find("endmodule").unwrap() + "endmodule".len();
    let model = dir.join("sb_spram256ka_cells_sim.v");
    std::fs::write(&model, format!("{}\n", &text[from..to])).unwrap();
    let out = tool(Command::new("verilator").current_dir(&dir).args([
        "--lint-only",
        "-Wall",
        "--top-module",
        TOP,
        vlt.to_str().unwrap(),
        model.to_str().unwrap(),
        f.to_str().unwrap(),
    ]));
    assert!(problems(&out).is_empty(), "verilator -Wall:\n{out}");

    // Icarus: compiles clean and runs the program.
    let tb = dir.join("tb.v");
    let expected = rtl(&cfg, 2_000_000);
    std::fs::write(&tb, testbench(cfg.cycles_per_bit, expected.cycles + 10_000)).unwrap();
    let exe = dir.join("tb.vvp");
    // Verilog-2005 has no default values on ports, which cells_sim.v
    // leaves out with NO_ICE40_DEFAULT_ASSIGNMENTS.
    let out = tool(Command::new("iverilog").current_dir(&dir).args([
        "-g2005",
        "-DNO_ICE40_DEFAULT_ASSIGNMENTS",
        "-s",
        "tb",
        "-o",
        exe.to_str().unwrap(),
        tb.to_str().unwrap(),
        f.to_str().unwrap(),
        cells.to_str().unwrap(),
    ]));
    let own: Vec<&str> = problems(&out)
        .into_iter()
        .filter(|l| !l.contains("cells_sim.v"))
        .collect();
    assert!(own.is_empty(), "iverilog:\n{out}");
    let out = tool(
        Command::new("vvp")
            .current_dir(&dir)
            .args(["-n", exe.to_str().unwrap()]),
    );
    let mut tohost = None;
    let mut uart = Vec::new();
    for line in out.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["tohost", v, "cycles", c] => {
                tohost = Some((v.parse::<u64>().unwrap(), c.parse::<u64>().unwrap()))
            }
            ["uart", b] => uart.push(b.parse::<u8>().unwrap()),
            ["uart", _, "framing-error"] => panic!("UART framing error after {uart:?}\n{out}"),
            _ => {}
        }
    }
    assert_eq!(
        tohost,
        Some((expected.tohost.unwrap(), expected.cycles)),
        "Icarus against rust-hdl:\n{out}"
    );
    assert_eq!(uart, expected.uart, "UART bytes");
    assert!(!uart.is_empty());
    println!(
        "priv_user under Icarus: tohost {:?}, {} UART bytes, as rust-hdl",
        tohost,
        uart.len()
    );
}

#[test]
fn yosys_maps_the_ram_to_four_sprams_and_the_boot_rom_to_block_ram() {
    let dir = scratch("spram-synth");
    let k = kernel::build(Variant::Correct).unwrap_or_else(|e| panic!("{e:#}"));
    let cfg = config(k.program.image.clone(), RamKind::Up5kSpram);
    let words = cfg.image_words();
    let mut ram = SocRam::<RAM_WORD_BITS>::new(RamKind::Up5kSpram, cfg.ram_words, &words, true);
    ram.connect_all();
    let f = dir.join("ram.v");
    std::fs::write(&f, generate_verilog(&ram)).unwrap();
    let rom_words: usize = segments(&words).iter().map(|s| s.len()).sum();
    let script = format!("read_verilog {}; synth_ice40 -top top; stat", f.display());
    let out = tool(
        Command::new("yosys")
            .current_dir(&dir)
            .args(["-p", &script]),
    );
    let count = |cell: &str| -> u64 {
        out.lines()
            .rev()
            .find_map(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                (w.len() == 2 && w[0] == cell).then(|| w[1].parse().unwrap())
            })
            .unwrap_or(0)
    };
    assert_eq!(count("SB_SPRAM256KA"), 4, "{out}");
    // The ROM: 64-bit words, 512 of them per 8 block RAMs of 512 x 8.
    let brams = count("SB_RAM40_4K");
    let need = rom_words.div_ceil(512) as u64 * 8;
    assert!(
        brams >= 1 && brams <= need,
        "{brams} SB_RAM40_4K for {rom_words} ROM words\n{out}"
    );
    println!(
        "the kernel's RAM: 4 SB_SPRAM256KA, {brams} SB_RAM40_4K for {rom_words} boot ROM words"
    );
}

/// An Icarus testbench for the RAM alone (module `top`, `D`-bit words):
/// counts the edges until `booting` falls, then reads words `0..words`
/// and prints them, then writes `word ^ 1` to word 3 and reads it back.
fn ram_testbench(d: usize, abits: usize, words: usize) -> String {
    format!(
        r#"`timescale 1ns/1ps
module tb;
   reg clock = 1'b0;
   reg [{am}:0] read_address = 0;
   reg [{am}:0] write_address = 0;
   reg [{dm}:0] write_data = 0;
   reg write_enable = 1'b0;
   wire [{dm}:0] read_data;
   wire booting;
   top dut(.clock(clock), .read_address(read_address), .read_data(read_data), .write_address(write_address),
           .write_data(write_data), .write_enable(write_enable), .booting(booting));
   integer edges = 0;
   integer i;
   task tick; begin #5 clock = 1'b1; #5 clock = 1'b0; end endtask
   initial begin
      #1;
      while (booting) begin tick; edges = edges + 1; end
      $display("boot %0d", edges);
      for (i = 0; i < {words}; i = i + 1) begin
         read_address = i; tick; #1 $display("word %0d %0d", i, read_data);
      end
      write_address = 3; write_data = 1234567; write_enable = 1'b1; tick;
      write_enable = 1'b0; read_address = 3; tick; #1 $display("after %0d", read_data);
      $finish;
   end
endmodule
"#,
        am = abits - 1,
        dm = d - 1
    )
}

/// The width is a parameter: two SPRAMs side by side make 16K words of 32
/// bits (the 32-bit SoC's 64 KiB). The RAM alone lints, runs under Icarus
/// with Yosys's SPRAM model (the boot copies the image, zeros the rest,
/// in the model's cycles; then a write reads back) and Yosys maps it to
/// two `SB_SPRAM256KA`.
#[test]
fn a_32_bit_ram_is_two_sprams_and_boots_its_image() {
    const N: usize = 14;
    let dir = scratch("spram-32");
    let words = 1 << N;
    let mut image = vec![0u64; 40];
    for (i, w) in image.iter_mut().enumerate() {
        if i % 7 != 3 {
            *w = 0x8000_0001u64.wrapping_mul(i as u64 + 1) & 0xffff_ffff;
        }
    }
    let mut ram = SocRam::<N, 32>::new(RamKind::Up5kSpram, words, &image, true);
    ram.connect_all();
    let v = generate_verilog(&ram);
    assert_eq!(v.matches("SB_SPRAM256KA spram_").count(), 2);
    let f = dir.join("ram.v");
    std::fs::write(&f, &v).unwrap();
    let cells = cells_sim();

    let tb = dir.join("tb.v");
    let shown = 64;
    std::fs::write(&tb, ram_testbench(32, N, shown)).unwrap();
    let exe = dir.join("tb.vvp");
    tool(Command::new("iverilog").current_dir(&dir).args([
        "-g2005",
        "-DNO_ICE40_DEFAULT_ASSIGNMENTS",
        "-s",
        "tb",
        "-o",
        exe.to_str().unwrap(),
        tb.to_str().unwrap(),
        f.to_str().unwrap(),
        cells.to_str().unwrap(),
    ]));
    let out = tool(
        Command::new("vvp")
            .current_dir(&dir)
            .args(["-n", exe.to_str().unwrap()]),
    );
    let mut seen = vec![None; shown];
    let (mut boot, mut after) = (None, None);
    for line in out.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["boot", n] => boot = Some(n.parse::<u64>().unwrap()),
            ["word", i, x] => seen[i.parse::<usize>().unwrap()] = x.parse::<u64>().ok(),
            ["after", x] => after = x.parse::<u64>().ok(),
            _ => {}
        }
    }
    assert_eq!(
        boot,
        Some(SocRam::<N, 32>::boot_cycles(RamKind::Up5kSpram, words)),
        "{out}"
    );
    for (i, s) in seen.iter().enumerate() {
        let want = image.get(i).copied().unwrap_or(0);
        assert_eq!(*s, Some(want), "word {i}\n{out}");
    }
    assert_eq!(after, Some(1_234_567), "{out}");

    let script = format!("read_verilog {}; synth_ice40 -top top; stat", f.display());
    let out = tool(
        Command::new("yosys")
            .current_dir(&dir)
            .args(["-p", &script]),
    );
    let spram_line = out
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("SB_SPRAM256KA"))
        .unwrap_or_else(|| panic!("no SB_SPRAM256KA in\n{out}"));
    assert_eq!(spram_line.split_whitespace().nth(1), Some("2"), "{out}");
}
