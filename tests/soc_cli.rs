//! `ptu soc run`: a program assembled by the real toolchain runs on the
//! SoC; the exit status and the one line say pass, which test failed, or
//! what to do about bad input.

mod common;
use common::ptu;
use ptu_soc::asm;

fn program(name: &str, body: &str) -> std::path::PathBuf {
    let text = format!(
        "    .section .text.init, \"ax\"\n    .globl _start\n_start:\n{body}\n    li t0, 0x10000018\n    sd a0, 0(t0)\n1:  j 1b\n"
    );
    asm::assemble_text(name, &text).unwrap().bin
}

#[test]
fn a_passing_program_exits_0_and_prints_its_uart_output() {
    let bin = program(
        "cli-pass",
        // Each byte waits for the transmitter (a load reads 1 while busy).
        "    li t0, 0x10000000\n2:  lbu t2, 0(t0)\n    bnez t2, 2b\n    li t1, 'h'\n    sb t1, 0(t0)\n3:  lbu t2, 0(t0)\n    bnez t2, 3b\n    li t1, 'i'\n    sb t1, 0(t0)\n4:  lbu t2, 0(t0)\n    bnez t2, 4b\n    li a0, 1",
    );
    let out = ptu(&["soc", "run", "--program", bin.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("hi"), "{stdout}");
    assert!(stdout.contains("PASS"), "{stdout}");
}

#[test]
fn a_failing_test_exits_1_and_names_its_number() {
    let bin = program("cli-fail", "    li a0, (7 << 1) | 1");
    let out = ptu(&["soc", "run", "--program", bin.to_str().unwrap()]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("test 7"), "{all}");
}

#[test]
fn a_program_that_never_ends_stops_at_max_cycles_with_exit_2() {
    let bin = asm::assemble_text(
        "cli-forever",
        "    .section .text.init, \"ax\"\n    .globl _start\n_start:\n1:  j 1b\n",
    )
    .unwrap()
    .bin;
    let out = ptu(&[
        "soc",
        "run",
        "--program",
        bin.to_str().unwrap(),
        "--max-cycles",
        "500",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("did not store to tohost within 500 cycles"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-cycles"), "{stderr}");
}

#[test]
fn a_missing_or_foreign_program_gets_one_line_and_exit_2() {
    let out = ptu(&["soc", "run", "--program", "no/such/program.bin"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot read the program"), "{stderr}");

    let dir = std::env::temp_dir().join(format!("ptu-soc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut elf = vec![0u8; 64];
    elf[..4].copy_from_slice(b"\x7fELF");
    elf[4] = 2;
    elf[5] = 1;
    elf[18] = 62; // x86-64
    let f = dir.join("x86.elf");
    std::fs::write(&f, &elf).unwrap();
    let out = ptu(&["soc", "run", "--program", f.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a RISC-V ELF"), "{stderr}");
}

/// The UART transcript: stdout up to the first empty line (the table
/// follows it on rust-hdl), without the Verilator run's note and verdict.
fn transcript(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with("(the table") && !l.starts_with("PASS"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_kernel_prints_the_same_transcript_on_rust_hdl_and_verilator_and_its_table() {
    let out = ptu(&["soc", "run"]);
    let hdl = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{hdl}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "what crossed the unit",
        "SYSCALL from user",
        "NMI nested in the kernel (framed)",
        "system call self() round trip",
        "timer interrupt: task switch",
        "kernel: summary:",
        "PASS: kernel/kernel",
    ] {
        assert!(hdl.contains(want), "no {want:?} in\n{hdl}");
    }
    // A relative --work folder: the harness runs inside it.
    let work = format!("target/soc-cli-verilator-{}", std::process::id());
    let out = ptu(&["soc", "run", "--sim", "verilator", "--work", &work]);
    let ver = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{ver}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (a, b) = (transcript(&hdl), transcript(&ver));
    assert!(a.len() > 20, "{a:?}");
    assert_eq!(a, b, "the transcripts differ");
}

#[test]
fn soc_diff_compares_random_programs_on_the_model_and_the_rtl() {
    let out = ptu(&["soc", "diff", "--seeds", "2", "--len", "100"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("PASS: 2 random programs"), "{stdout}");
    assert!(
        stdout.contains("0 mismatches") || stdout.contains("equal"),
        "{stdout}"
    );
    let out = ptu(&["soc", "diff", "--seeds", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_empty_program_or_one_too_big_for_ram_gets_one_line_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("ptu-soc-cli-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    // One word more than the 64 KiB of RAM.
    let big = dir.join("big.bin");
    std::fs::write(&big, vec![0x13u8; 65536 + 8]).unwrap();
    for sim in ["rust-hdl", "verilator"] {
        let work = dir.join("work");
        let args = |f: &std::path::Path| -> Vec<String> {
            [
                "soc",
                "run",
                "--program",
                f.to_str().unwrap(),
                "--sim",
                sim,
                "--work",
                work.to_str().unwrap(),
            ]
            .map(String::from)
            .to_vec()
        };
        let run = |f: &std::path::Path| {
            let a = args(f);
            ptu(&a.iter().map(String::as_str).collect::<Vec<_>>())
        };
        let out = run(&empty);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{sim}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{sim}: {stderr}");
        assert!(stderr.contains("empty.bin is empty"), "{sim}: {stderr}");

        let out = run(&big);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{sim}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{sim}: {stderr}");
        assert!(
            stderr.contains("65544 bytes")
                && stderr.contains("65536")
                && stderr.contains("smaller"),
            "{sim}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{sim}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The GTKWave names a save file's signal lines refer to: the last word of
/// a plain or aliased line, the bits of a `#{...}` vector.
fn gtkw_signals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("#{") {
            for part in line.split_whitespace().skip(1) {
                if let Some((_, name)) = part.split_once(')') {
                    out.push(name.to_string());
                }
            }
        } else if !line.is_empty() && !"[*@-^".contains(&line[..1]) {
            out.push(line.split_whitespace().last().unwrap().to_string());
        }
    }
    out
}

#[test]
fn a_program_runs_vcd_reads_with_ptu_wave_and_its_gtkw_names_the_core_and_the_unit() {
    let src = asm::programs_dir().join("isa").join("priv_syscall.S");
    let bin = asm::assemble(&src).unwrap_or_else(|e| panic!("{e:#}")).bin;
    let dir = std::env::temp_dir().join(format!("ptu-soc-cli-vcd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let vcd = dir.join("syscall.vcd");
    let out = ptu(&[
        "soc",
        "run",
        "--program",
        bin.to_str().unwrap(),
        "--vcd",
        vcd.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gtkw = vcd.with_extension("gtkw");
    assert!(
        stdout.contains(&format!("gtkwave {}", gtkw.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("ptu wave {} --summary", vcd.display())),
        "{stdout}"
    );

    // ptu wave finds the unit inside the SoC and lists its transitions:
    // the program's system calls (kernel and user) and their returns.
    let out = ptu(&["wave", vcd.to_str().unwrap(), "--summary"]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert!(summary.contains("ptu instance `uut.ptu`"), "{summary}");
    assert!(summary.contains("entry  SYSCALL from user"), "{summary}");
    assert!(summary.contains("ERET"), "{summary}");
    let svg = dir.join("syscall.svg");
    let out = ptu(&[
        "wave",
        vcd.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(
        picture.starts_with("<svg") || picture.contains("<svg"),
        "not an SVG"
    );

    // The save file: the core's group first, then the unit's, every
    // signal one the VCD has, zoomed to the whole run.
    let text = std::fs::read_to_string(&gtkw).unwrap();
    let file = ptu_waveforms::reader::Vcd::open(&vcd).unwrap();
    let names: std::collections::HashSet<String> =
        file.vars.iter().map(|v| v.gtkwave_name()).collect();
    let signals = gtkw_signals(&text);
    assert!(signals.len() > 30, "{text}");
    for s in &signals {
        assert!(names.contains(s), "{s} is not in {}", vcd.display());
    }
    let core = text.find("\n-core\n").expect("a core group");
    let unit = text.find("\n-privilege\n").expect("the unit's groups");
    assert!(core < unit, "the core's group comes first");
    for s in [
        "uut.cpu.state.q",
        "uut.cpu.rip[63:0]",
        "uut.cpu.ir.q[31:0]",
        "uut.cpu.bus_addr[63:0]",
        "uut.ptu.cpl[1:0]",
    ] {
        assert!(signals.iter().any(|x| x == s), "{s} missing from\n{text}");
    }
    assert!(text.contains("\n[timestart] 0\n"), "{text}");
    let zoom: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix('*'))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    let shown = ptu_waveforms::gtkw::span_shown(zoom);
    let end = file.end_time as f64;
    assert!(
        (shown - end).abs() <= end * 0.001,
        "zoom shows {shown} of {end}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
