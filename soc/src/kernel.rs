//! The kernel of `soc/programs/kernel/kernel.S` (docs/kernel.md): how it
//! is built, how it runs on the instruction-level model with its NMIs,
//! what its transcript must say, and the measurement of what crossed the
//! unit.
//!
//! # The trace the measurement reads
//!
//! [`measure`] reads a list of [`Record`]s: one [`Trace`] entry (the
//! ISS's retire trace: retired instruction, event entered, ERET completed)
//! stamped with the cycle at which its instruction began and the number of
//! frame-bus words the unit moved for it. Any runner that can say when
//! each instruction started and count the unit's `mem_valid && mem_ready`
//! cycles can feed it; [`run_iss`] is the instruction-level model's.
//!
//! # Cycles
//!
//! On the instruction-level model one instruction is one clock edge and
//! each frame word one more (`iss.rs`, "Time"), so an entry or ERET's
//! "cycles" are the unit's own: 1 unframed, 6 framed. An RTL core that
//! takes several cycles per instruction adds its own fetch and decode
//! cycles to every row; the measurement computes from whatever stamps the
//! trace carries, the difference between the stamp of a record and the
//! stamp of the next.
//!
//! # NMIs
//!
//! The SoC's NMI input is raised for one instruction at the first
//! instruction boundary at or after each cycle of a list (the unit takes
//! it at the next edge, docs/spec.md section 7). [`ISS_NMI_CYCLES`] were
//! chosen by [`choose_nmi_cycles`] on the model: the first lands inside
//! the kernel's handler of the system call `self()` (a framed, nested
//! entry), the second in user mode. On another core, run
//! [`choose_nmi_cycles`] with that core's runner.
//!
//! # RV64I and RV32I
//!
//! One source builds both: [`build`] (RV64I) and [`build_xlen`] (`XLEN =
//! 32` defined before the source). The [`Kernel`] carries its width, so
//! [`run_iss`] runs it on the model of that width and [`run_rtl`] on the
//! rust-hdl SoC of that width (`Soc<32>` with the 32-bit unit); the
//! checks are the same for both. The
//! NMI cycles differ per width and runner ([`iss_nmi_cycles`],
//! [`rtl_nmi_cycles`]).

use crate::asm;
use crate::iss::{Config, Iss, Outcome, Trace};
use crate::program::Program;
use anyhow::{anyhow, bail, ensure, Context, Result};
use std::fmt;
use std::path::PathBuf;

/// The kernel's source under `soc/programs`.
pub const SOURCE: &str = "kernel/kernel.S";

/// The kernel's source file.
pub fn source() -> PathBuf {
    asm::programs_dir().join(SOURCE)
}

/// The NMI cycles the kernel runs with on the instruction-level model,
/// as [`choose_nmi_cycles`] finds them (a test checks that it still does).
pub const ISS_NMI_CYCLES: [u64; 2] = [4875, 7875];

/// The NMI cycles the kernel runs with on the rust-hdl SoC (and on
/// Verilator, which is cycle-exact with it), as [`choose_nmi_cycles`]
/// finds them with the RTL runner: the first lands inside the `self()`
/// system call's handler (a framed, nested entry), the second in user
/// mode (`soc/tests/kernel_rtl.rs` checks that it still does).
pub const RTL_NMI_CYCLES: [u64; 2] = [31147, 40250];

/// [`ISS_NMI_CYCLES`] for the RV32I kernel on the RV32I model, as
/// [`choose_nmi_cycles`] finds them (`soc/tests/kernel32.rs` checks it).
pub const ISS_NMI_CYCLES_RV32: [u64; 2] = [5045, 8045];

/// [`RTL_NMI_CYCLES`] for the RV32I kernel on the rust-hdl `Soc<32>`, as
/// [`choose_nmi_cycles`] finds them with [`run_rtl`]
/// (`soc/tests/kernel32.rs` checks it).
pub const RTL_NMI_CYCLES_RV32: [u64; 2] = [32065, 41672];

/// The NMI cycles of the kernel for a core width on the model.
pub fn iss_nmi_cycles(xlen: usize) -> [u64; 2] {
    if xlen == 32 {
        ISS_NMI_CYCLES_RV32
    } else {
        ISS_NMI_CYCLES
    }
}

/// The NMI cycles of the kernel for a core width on the RTL.
pub fn rtl_nmi_cycles(xlen: usize) -> [u64; 2] {
    if xlen == 32 {
        RTL_NMI_CYCLES_RV32
    } else {
        RTL_NMI_CYCLES
    }
}

/// How the unit's frame bus answers, for [`check_unit_costs`]: the
/// unit's width (its frame: five 8-byte words, or six 4-byte ones) and
/// the cycles a frame word's read and write take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameBus {
    /// The unit's width, the core's (kernel.S's `UNIT_XLEN`).
    pub xlen: usize,
    pub read_cycles: u64,
    pub write_cycles: u64,
}

impl FrameBus {
    /// The instruction-level model's: every word in one cycle.
    pub fn zero_wait(xlen: usize) -> Self {
        Self {
            xlen,
            read_cycles: 1,
            write_cycles: 1,
        }
    }

    /// The SoC's (`soc.rs`): a read waits one cycle for the synchronous
    /// RAM (2 a word); a write is answered in its cycle, but the 32-bit
    /// unit's half-word write reads the RAM word first (2).
    pub fn soc(xlen: usize) -> Self {
        Self {
            xlen,
            read_cycles: 2,
            write_cycles: if xlen == 32 { 2 } else { 1 },
        }
    }

    /// Words of the unit's frame.
    pub fn words(&self) -> u64 {
        ptu_arch::FrameLayout::for_xlen(self.xlen).words
    }
}

/// The kernel's critical stack top (CSTACK, kernel.S's `CRIT_STACK_TOP`).
pub const CSTACK: u64 = 0x8000;

/// Instructions after which a run without `tohost` stops.
pub const MAX_INSTRUCTIONS: u64 = 500_000;

/// Which kernel to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The kernel as written.
    Correct,
    /// Assembled with `BROKEN_URSP = 1`: the task switch does not load the
    /// incoming task's URSP (the tests check that this kernel fails).
    BrokenUrsp,
    /// Assembled with `NO_DATA_INIT = 1`: boot does not set up the
    /// writable data from their initial copies, so a second run after a
    /// reset that does not reload the RAM starts from what the first left
    /// (the tests check that it then differs).
    NoDataInit,
}

/// Where the kernel's paths are: the kernel header at address 8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// ENTRY: the one entry point of ordinary events.
    pub entry: u64,
    /// ENTRY_CRIT: NMI, machine check, #DF.
    pub entry_crit: u64,
    /// The `jalr` into a system call's handler (the end of the entry path).
    pub sys_call: u64,
    /// The exit path's first instruction.
    pub ret_to_user: u64,
    /// The task switch.
    pub switch_to_next: u64,
    /// The handler of `self()`.
    pub sys_self: u64,
    /// Task A's struct, which task C writes to (its #PF address).
    pub task_a: u64,
}

const HEADER_AT: usize = 8;
const HEADER_MAGIC: u64 = u64::from_le_bytes(*b"ptkernel");

impl Header {
    /// Read the header from the kernel's image.
    pub fn read(image: &[u8]) -> Result<Self> {
        let word = |i: usize| -> Result<u64> {
            let at = HEADER_AT + 8 * i;
            let b = image
                .get(at..at + 8)
                .ok_or_else(|| anyhow!("the kernel image is too short for its header"))?;
            Ok(u64::from_le_bytes(b.try_into()?))
        };
        ensure!(
            word(0)? == HEADER_MAGIC,
            "no kernel header at address 8: is this {SOURCE}?"
        );
        Ok(Header {
            entry: word(1)?,
            entry_crit: word(2)?,
            sys_call: word(3)?,
            ret_to_user: word(4)?,
            switch_to_next: word(5)?,
            sys_self: word(6)?,
            task_a: word(7)?,
        })
    }
}

/// The assembled kernel.
#[derive(Clone, Debug)]
pub struct Kernel {
    pub program: Program,
    pub header: Header,
    /// The core it is built for: 64 (RV64I) or 32 (RV32I).
    pub xlen: usize,
}

/// Assemble the RV64I kernel (into `target/soc-programs/`).
pub fn build(variant: Variant) -> Result<Kernel> {
    build_xlen(variant, 64)
}

/// Assemble the kernel for an RV64I (`xlen` 64) or RV32I (32) core, from
/// the one source: the RV32I build defines `XLEN = 32` before it
/// (`target/soc-programs/kernel32.bin` and friends).
pub fn build_xlen(variant: Variant, xlen: usize) -> Result<Kernel> {
    ensure!(
        xlen == 32 || xlen == 64,
        "cannot build the kernel for xlen {xlen}: use 32 (RV32I) or 64 (RV64I)"
    );
    let symbol = match variant {
        Variant::Correct => None,
        Variant::BrokenUrsp => Some("BROKEN_URSP"),
        Variant::NoDataInit => Some("NO_DATA_INIT"),
    };
    let program = if xlen == 64 && symbol.is_none() {
        asm::load(&source())?
    } else {
        // The include path holds soc/programs/include; the kernel is one
        // folder over.
        let mut text = String::new();
        let mut stem = if xlen == 32 { "kernel32" } else { "kernel" }.to_string();
        let mut name = if xlen == 32 {
            "kernel/kernel (RV32I)".to_string()
        } else {
            "kernel/kernel".to_string()
        };
        if xlen == 32 {
            text.push_str(".equ XLEN, 32\n");
        }
        if let Some(symbol) = symbol {
            text.push_str(&format!(".equ {symbol}, 1\n"));
            stem.push('-');
            stem.push_str(&symbol.to_lowercase().replace('_', "-"));
            name = format!("{name} ({symbol})");
        }
        text.push_str(&format!(".include \"../{SOURCE}\"\n"));
        let a = asm::assemble_text_xlen(&stem, &text, xlen)?;
        let mut p = Program::from_file(&a.bin)?;
        p.name = name;
        p
    };
    let header = Header::read(&program.image).with_context(|| program.name.clone())?;
    Ok(Kernel {
        program,
        header,
        xlen,
    })
}

/// One entry of a trace, stamped (defined beside the RTL's traces).
pub use crate::diff::Record;

/// A run of the kernel.
#[derive(Clone, Debug)]
pub struct Run {
    pub outcome: Outcome,
    pub records: Vec<Record>,
}

impl Run {
    /// The UART's bytes as text.
    pub fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.outcome.uart).into_owned()
    }
}

/// Run `kernel` on the instruction-level model with NMIs at `nmi_cycles`
/// (ascending), to `tohost` or [`MAX_INSTRUCTIONS`].
pub fn run_iss(kernel: &Kernel, nmi_cycles: &[u64]) -> Run {
    run_on(iss_after_reset(kernel), nmi_cycles).0
}

/// Run `kernel` on the instruction-level model, then reset it without
/// reloading anything (as the board's run button does): the second run
/// starts from the RAM and the registers the first left (the unit, the
/// timer and the UART are reset). NMIs at `nmi_cycles` in both runs,
/// counted from each one's reset. A kernel that sets up its writable data
/// at boot prints the same transcript twice.
pub fn rerun_iss(kernel: &Kernel, nmi_cycles: &[u64]) -> (Run, Run) {
    let (first, left) = run_on(iss_after_reset(kernel), nmi_cycles);
    let mut iss = iss_after_reset(kernel);
    iss.ram = left.ram;
    iss.regs = left.regs;
    (first, run_on(iss, nmi_cycles).0)
}

fn iss_after_reset(kernel: &Kernel) -> Iss {
    Iss::with_xlen(
        &kernel.program,
        Config {
            max_instructions: MAX_INSTRUCTIONS,
            timer: true,
            nmi_at: None,
        },
        kernel.xlen,
    )
    .expect("build_xlen makes kernels for 32 or 64 bits only")
}

/// Cycles after which a kernel run on the RTL without `tohost` stops.
pub const KERNEL_MAX_CYCLES: u64 = 8 * MAX_INSTRUCTIONS;

/// Run `kernel` on the rust-hdl SoC of its width (`Soc<64>`, or `Soc<32>`
/// with the 32-bit unit) with NMI pulses at `nmi_cycles`
/// (each held 4 cycles), to `tohost` or [`KERNEL_MAX_CYCLES`], as the
/// [`Run`] that [`measure`], [`check_transcript`] and
/// [`choose_nmi_cycles`] read.
pub fn run_rtl(kernel: &Kernel, nmi_cycles: &[u64]) -> Result<Run> {
    let soc = match kernel.xlen {
        32 => crate::soc::SocConfig::rv32(kernel.program.image.clone()),
        _ => crate::soc::SocConfig::new(kernel.program.image.clone()),
    };
    let run = crate::diff::run_traced_with(
        &soc,
        &crate::diff::TraceOptions {
            max_cycles: KERNEL_MAX_CYCLES,
            nmi_at: nmi_cycles.to_vec(),
            ..Default::default()
        },
    )?;
    Ok(Run {
        outcome: crate::iss::Outcome {
            end: run.end(),
            uart: run.uart.clone(),
            retired: run.instret,
            cycles: run.cycles,
        },
        records: run.records,
    })
}

/// Run `iss` with NMIs at `nmi_cycles` to its end; the model as it ended.
fn run_on(mut iss: Iss, nmi_cycles: &[u64]) -> (Run, Iss) {
    let mut records = Vec::new();
    let mut next_nmi = 0;
    loop {
        // The NMI pin: high for one instruction from the first boundary at
        // or after the next cycle of the list, low in between.
        if iss.cfg.nmi_at.is_some() {
            iss.cfg.nmi_at = None;
        } else if nmi_cycles.get(next_nmi).is_some_and(|&c| iss.cycles >= c) {
            iss.cfg.nmi_at = Some(iss.cycles);
            next_nmi += 1;
        }
        let start = iss.cycles;
        let going = iss.step();
        let took = iss.cycles - start;
        for t in iss.trace.drain(..) {
            records.push(Record {
                cycle: start,
                // One edge for the instruction, one per frame word.
                mem: took.saturating_sub(1) as u32,
                entry: t,
            });
        }
        if !going {
            break;
        }
    }
    let run = Run {
        outcome: iss.outcome(),
        records,
    };
    (run, iss)
}

/// Choose the NMI cycles on any core, given a way to run the kernel with a
/// list of NMI cycles: the first at the first instruction of the 3rd
/// `self()` handler of a run without NMIs (the NMI is taken inside it,
/// nested), the second at the first user instruction at least 3000 cycles
/// later in the run with the first.
pub fn choose_nmi_cycles(
    header: &Header,
    mut run: impl FnMut(&[u64]) -> Result<Vec<Record>>,
) -> Result<Vec<u64>> {
    let plain = run(&[])?;
    let nested = plain
        .iter()
        .filter(|r| matches!(r.entry, Trace::Retire { pc, .. } if pc == header.sys_self))
        .nth(2)
        .ok_or_else(|| anyhow!("the kernel ran fewer than 3 self() calls"))?
        .cycle;
    let with_one = run(&[nested])?;
    let user = with_one
        .iter()
        .find(|r| {
            r.cycle >= nested + 3000
                && matches!(r.entry, Trace::Retire { pc, .. } if pc >= crate::map::USER_BASE)
        })
        .ok_or_else(|| anyhow!("no user instruction 3000 cycles after the first NMI"))?
        .cycle;
    Ok(vec![nested, user])
}

// ------------------------------------------------------------------ the transcript

/// What a transcript must contain beyond the fixed lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expect {
    /// NMIs taken in user mode.
    pub nmi_user: usize,
    /// NMIs taken inside a system call's handler.
    pub nmi_nested: usize,
    /// The address task C writes to (the #PF's EVENT_DATA).
    pub fault_address: u64,
    /// The kernel's width, and the unit's (its frame's size).
    pub xlen: usize,
}

/// What a transcript showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// Lines of tasks A and B, in order, that follow a line of the other
    /// task: how often their output interleaves.
    pub alternations: usize,
    pub syscalls: u64,
    pub timer_interrupts: u64,
    pub nmis: u64,
}

/// The system calls the tasks make: A and B `self()` and write once per
/// step, yield, write after it, write "done", exit; C writes once.
pub const SYSCALLS: u64 = 2 * (6 * 2 + 1 + 1 + 1 + 1) + 1;

/// Check a transcript line by line: the boot line first; tasks A and B
/// print their steps, yield and finish, each in order; their lines
/// interleave; task C's write to kernel memory is a #PF (vector 14, error
/// code P|W|U = 0x7, EVENT_DATA the address) that ends it; A and B exit
/// with 0; the NMI lines are there (the nested one inside a system call,
/// EVENT_INFO 0x0001000000000007 in its frame); the summary ends it, with
/// its numbers consistent. Every line must be one of these.
pub fn check_transcript(text: &str, expect: &Expect) -> Result<Facts> {
    let lines: Vec<&str> = text.lines().collect();
    ensure!(
        text.ends_with('\n'),
        "the transcript does not end with a line break"
    );
    ensure!(
        lines
            .first()
            .is_some_and(|l| l.starts_with("kernel: boot: ")),
        "the transcript does not start with the boot line"
    );
    // The frame's lowest word: CSTACK minus the unit's frame.
    let frame_end = format!(
        ", frame at 0x{:016x}, returning",
        CSTACK - ptu_arch::FrameLayout::for_xlen(expect.xlen).bytes
    );
    let mut task_lines: [Vec<&str>; 2] = [Vec::new(), Vec::new()];
    let mut last_task = None;
    let mut alternations = 0;
    let (mut nmi_user, mut nmi_nested) = (0, 0);
    let mut fault = None;
    let mut c_wrote = false;
    let mut exits = Vec::new();
    let mut summary = None;
    for (n, l) in lines.iter().enumerate().skip(1) {
        if summary.is_some() {
            bail!("line {}: {l:?} after the summary", n + 1);
        }
        if let Some(t) = ["A: ", "B: "].iter().position(|p| l.starts_with(p)) {
            if last_task.is_some_and(|p| p != t) {
                alternations += 1;
            }
            last_task = Some(t);
            task_lines[t].push(l);
        } else if *l == "C: writing to kernel memory" {
            ensure!(
                fault.is_none() && !c_wrote,
                "line {}: task C wrote again, or after its fault",
                n + 1
            );
            c_wrote = true;
        } else if let Some(r) = l.strip_prefix("kernel: task C: fault, ") {
            fault = Some(r.to_string());
        } else if let Some(r) = l.strip_prefix("kernel: task ") {
            exits.push(r.to_string());
        } else if l.starts_with("critical: NMI from user mode in task ") {
            ensure!(
                l.ends_with(&frame_end),
                "line {}: {l:?}: the NMI frame is not just below CSTACK (0x8000)",
                n + 1
            );
            nmi_user += 1;
        } else if l.starts_with(
            "critical: NMI nested in the kernel, inside the event 0x0001000000000007 at 0x",
        ) {
            ensure!(
                l.ends_with(&frame_end),
                "line {}: {l:?}: the NMI frame is not just below CSTACK (0x8000)",
                n + 1
            );
            nmi_nested += 1;
        } else if let Some(r) = l.strip_prefix("kernel: summary: ") {
            summary = Some(r.to_string());
        } else {
            bail!("line {}: {l:?} is not a line this kernel prints", n + 1);
        }
    }
    for (t, name) in ["A", "B"].iter().enumerate() {
        let id = t + 1;
        let mut want: Vec<String> = Vec::new();
        for s in 0..6 {
            want.push(format!("{name}: step {s}, self() = {id}"));
            if s + 1 == 3 {
                want.push(format!("{name}: back from yield"));
            }
        }
        want.push(format!("{name}: done"));
        ensure!(
            task_lines[t] == want,
            "task {name} printed {:?}, not {:?}",
            task_lines[t],
            want
        );
    }
    ensure!(
        alternations >= 4,
        "tasks A and B interleave only {alternations} times: the timer does not preempt them"
    );
    ensure!(c_wrote, "task C did not say it writes to kernel memory");
    let fault = fault.ok_or_else(|| anyhow!("no line reports task C's #PF"))?;
    let want = format!(
        "vector 14, error code 0x7, EVENT_DATA 0x{:016x}, at 0x",
        expect.fault_address
    );
    ensure!(
        fault.starts_with(&want) && fault.ends_with(": task ended"),
        "task C's fault line says {fault:?}, not {want:?}...: task ended"
    );
    exits.sort();
    ensure!(
        exits == ["A exited with code 0", "B exited with code 0"],
        "the tasks' exits are {exits:?}"
    );
    ensure!(
        (nmi_user, nmi_nested) == (expect.nmi_user, expect.nmi_nested),
        "NMI lines: {nmi_user} from user and {nmi_nested} nested, expected {} and {}",
        expect.nmi_user,
        expect.nmi_nested
    );
    let summary = summary.ok_or_else(|| anyhow!("no summary line"))?;
    let nums: Vec<u64> = summary
        .split(", ")
        .map(|f| {
            f.rsplit(' ')
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| anyhow!("the summary {summary:?} has a field without a number"))
        })
        .collect::<Result<_>>()?;
    ensure!(nums.len() == 5, "the summary {summary:?} has not 5 fields");
    ensure!(
        nums[0] == 2 && nums[1] == 1,
        "the summary says {} exited and {} faulted, not 2 and 1",
        nums[0],
        nums[1]
    );
    ensure!(
        nums[2] == SYSCALLS,
        "the summary counts {} system calls, the tasks make {SYSCALLS}",
        nums[2]
    );
    ensure!(nums[3] >= 1, "the summary counts no timer interrupt");
    ensure!(
        nums[4] == (nmi_user + nmi_nested) as u64,
        "the summary counts {} NMIs, the transcript shows {}",
        nums[4],
        nmi_user + nmi_nested
    );
    Ok(Facts {
        alternations,
        syscalls: nums[2],
        timer_interrupts: nums[3],
        nmis: nums[4],
    })
}

/// Check that a run of [`Variant::BrokenUrsp`] without NMIs fails, and
/// for the reason it is broken: the task switch leaves the outgoing task's
/// URSP, so the incoming task runs on the other's stack, finds a canary
/// that is not its id there, says so and exits with code 1; the transcript
/// check rejects it for that line, and `tohost` says fail (test 1: a task
/// exited with an error). Without NMIs, so that nothing else differs from
/// the correct kernel's run.
pub fn check_broken_ursp_run(run: &Run, fault_address: u64, xlen: usize) -> Result<()> {
    let text = run.transcript();
    let expect = Expect {
        nmi_user: 0,
        nmi_nested: 0,
        fault_address,
        xlen,
    };
    let Err(err) = check_transcript(&text, &expect) else {
        bail!("the broken kernel's transcript passed the check:\n{text}");
    };
    let err = format!("{err:#}");
    ensure!(
        err.contains(" printed ") && err.contains(": my stack is not mine"),
        "the broken kernel's transcript fails the check, but not for its stack: {err}\n{text}"
    );
    ensure!(
        text.lines().any(|l| l.ends_with(" exited with code 1")),
        "no task of the broken kernel exited with code 1:\n{text}"
    );
    ensure!(
        run.outcome.end == crate::iss::End::ToHost(crate::map::ToHost::Fail(1)),
        "the broken kernel ended with {:?}, not tohost 3 (test 1 failed):\n{text}",
        run.outcome.end
    );
    Ok(())
}

// ------------------------------------------------------------------ the measurement

/// The least, mean and greatest of some numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    pub count: u64,
    pub min: u64,
    pub max: u64,
    pub total: u64,
}

impl Stat {
    fn add(&mut self, v: u64) {
        if self.count == 0 || v < self.min {
            self.min = v;
        }
        self.max = self.max.max(v);
        self.count += 1;
        self.total += v;
    }

    /// The mean, rounded down.
    pub fn mean(&self) -> u64 {
        self.total.checked_div(self.count).unwrap_or(0)
    }

    fn range(&self) -> String {
        if self.min == self.max {
            format!("{}", self.min)
        } else {
            format!("{}..{}", self.min, self.max)
        }
    }

    fn json(&self) -> String {
        format!(
            "{{\"count\": {}, \"min\": {}, \"mean\": {}, \"max\": {}}}",
            self.count,
            self.min,
            self.mean(),
            self.max
        )
    }
}

/// One kind of crossing: an entry or an ERET.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crossing {
    pub kind: String,
    /// Cycles from the stamp of the event (or ERET) to the stamp of the
    /// next instruction; `count` is how many there were.
    pub cycles: Stat,
    /// Frame-bus words moved.
    pub mem: Stat,
}

/// One path of the kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub name: String,
    pub cycles: Stat,
    pub instructions: Stat,
}

/// What crossed the unit in a run, and what the kernel's paths cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measurement {
    pub entries: Vec<Crossing>,
    pub erets: Vec<Crossing>,
    pub paths: Vec<Path>,
}

/// The kinds of entries, in the table's order.
const ENTRY_KINDS: [&str; 7] = [
    "SYSCALL from user",
    "timer interrupt from user",
    "#PF from user",
    "other fault from user",
    "NMI from user (framed, CSTACK)",
    "NMI nested in the kernel (framed)",
    "other entry",
];

const ERET_KINDS: [&str; 3] = [
    "ERET to user, unframed",
    "ERET to user, framed (after an NMI)",
    "ERET to the kernel, framed",
];

/// The path from ENTRY to the `jalr` into a system call's handler
/// (cycles from the `ecall`'s stamp to the handler's first instruction).
pub const ENTRY_PATH: &str = "system call entry path (ENTRY .. jalr to handler)";
/// The path from a handler's return to `sret` (cycles to the first user
/// instruction).
pub const EXIT_PATH: &str = "system call exit path (handler return .. sret)";
/// A timer interrupt that switched tasks, ERET included.
pub const TIMER_SWITCH: &str = "timer interrupt: task switch";

const SYSCALL_NAMES: [&str; 4] = ["write", "yield", "exit", "self"];

fn entry_kind(info: u64) -> usize {
    let ty = info & 7;
    let vector = (info >> 8) & 0xff;
    let user = info >> 48 & 1 == 1;
    match (ty, vector, user) {
        (7, _, true) => 0,
        (0, 32, true) => 1,
        (3, 14, true) => 2,
        (3, _, true) => 3,
        (2, _, true) => 4,
        (2, _, false) => 5,
        _ => 6,
    }
}

/// Whether the unit pushes a frame for this entry: from kernel mode, or
/// critical (NMI, machine check #MC 18, #DF 8).
fn framed(info: u64) -> bool {
    let ty = info & 7;
    let vector = (info >> 8) & 0xff;
    let user = info >> 48 & 1 == 1;
    !user || ty == 2 || (ty == 3 && (vector == 8 || vector == 18))
}

/// Measure a stamped trace of the kernel (see the module's comment).
pub fn measure(records: &[Record], header: &Header) -> Measurement {
    let mut entries: Vec<(Stat, Stat)> = vec![Default::default(); ENTRY_KINDS.len()];
    let mut erets: Vec<(Stat, Stat)> = vec![Default::default(); ERET_KINDS.len()];
    let mut paths: Vec<(String, Stat, Stat)> = Vec::new();
    let mut add_path =
        |name: String, cycles: u64, insns: u64| match paths.iter_mut().find(|p| p.0 == name) {
            Some(p) => {
                p.1.add(cycles);
                p.2.add(insns);
            }
            None => {
                let (mut c, mut i) = (Stat::default(), Stat::default());
                c.add(cycles);
                i.add(insns);
                paths.push((name, c, i));
            }
        };
    let next_cycle = |i: usize| records.get(i + 1).map(|r| r.cycle);
    // The open entries: (record index, EVENT_INFO, a7 then).
    let mut open: Vec<(usize, u64, u64)> = Vec::new();
    let mut a7 = 0;
    for (i, r) in records.iter().enumerate() {
        match r.entry {
            Trace::Retire { rd, .. } => {
                if let Some((17, v)) = rd {
                    a7 = v;
                }
            }
            Trace::Event { info, .. } => {
                if let Some(c) = next_cycle(i) {
                    let e = &mut entries[entry_kind(info)];
                    e.0.add(c - r.cycle);
                    e.1.add(r.mem as u64);
                }
                open.push((i, info, a7));
            }
            Trace::Eret { to, .. } => {
                let Some((e, info, sys)) = open.pop() else {
                    continue;
                };
                let to_user = to >= crate::map::USER_BASE;
                let kind = match (framed(info), to_user) {
                    (false, _) => 0,
                    (true, true) => 1,
                    (true, false) => 2,
                };
                let Some(after) = next_cycle(i) else {
                    continue;
                };
                erets[kind].0.add(after - r.cycle);
                erets[kind].1.add(r.mem as u64);
                if !open.is_empty() || framed(info) {
                    continue;
                }
                // An ordinary entry from user mode and its ERET: the path
                // between them, at the kernel's own level (a nested NMI's
                // instructions are not counted, and the path is named).
                let mut depth = 0;
                let mut insns = 0;
                let mut switched = false;
                let mut nested = false;
                let mut to_call = None;
                let mut from_return = None;
                for (k, x) in records.iter().enumerate().take(i).skip(e + 1) {
                    match x.entry {
                        Trace::Event { .. } => {
                            depth += 1;
                            nested = true;
                        }
                        Trace::Eret { .. } => depth -= 1,
                        Trace::Retire { pc, rd, .. } if depth == 0 => {
                            insns += 1;
                            switched |= matches!(rd, Some((4, _)));
                            // (the count so far, the cycle after it)
                            if pc == header.sys_call && to_call.is_none() {
                                to_call = next_cycle(k).map(|c| (insns, c));
                            }
                            if pc == header.sys_call + 4 {
                                from_return = Some((insns, x.cycle));
                            }
                        }
                        Trace::Retire { .. } => {}
                    }
                }
                // The ecall (or interrupted instruction) is not counted;
                // the sret is.
                insns += 1;
                let cycles = after - records[e].cycle;
                let name = match entry_kind(info) {
                    0 => {
                        let s = SYSCALL_NAMES.get(sys as usize).unwrap_or(&"unknown");
                        if let (Some(c), Some(ret)) = (to_call, from_return) {
                            if !nested {
                                add_path(ENTRY_PATH.into(), c.1 - records[e].cycle, c.0);
                                add_path(EXIT_PATH.into(), after - ret.1, insns - ret.0 + 1);
                            }
                        }
                        format!("system call {s}() round trip")
                    }
                    1 if switched => TIMER_SWITCH.to_string(),
                    1 => "timer interrupt: same task".to_string(),
                    2 => "#PF: report, end the task, switch".to_string(),
                    _ => "other event from user".to_string(),
                };
                let name = if nested {
                    format!("{name}, with a nested NMI")
                } else {
                    name
                };
                add_path(name, cycles, insns);
            }
        }
    }
    let rows = |names: &[&str], v: Vec<(Stat, Stat)>| -> Vec<Crossing> {
        names
            .iter()
            .zip(v)
            .filter(|(_, (c, _))| c.count > 0)
            .map(|(n, (cycles, mem))| Crossing {
                kind: n.to_string(),
                cycles,
                mem,
            })
            .collect()
    };
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    Measurement {
        entries: rows(&ENTRY_KINDS, entries),
        erets: rows(&ERET_KINDS, erets),
        paths: paths
            .into_iter()
            .map(|(name, cycles, instructions)| Path {
                name,
                cycles,
                instructions,
            })
            .collect(),
    }
}

/// Check what crossed the unit in a run of the correct kernel with its two
/// NMIs (one from user mode, one nested in a system call) against the
/// unit's own costs, docs/spec.md section 13, on any runner:
///
/// * every ordinary entry from user mode (system calls, timer, #PF) is one
///   cycle, the accepting edge, with no memory access; each NMI is framed,
///   that edge and the frame's words (five with a 64-bit unit, six with a
///   32-bit one, `ptu_arch::FrameLayout`) written, `1 + words *
///   write_cycles` ([`FrameBus`]); no other entry;
/// * every ERET is one cycle unframed, and `1 + words * read_cycles`
///   framed (the frame's words read: one cycle each on a zero-wait bus, two
///   on a synchronous RAM that answers in the next cycle), measured where
///   an instruction follows it; an unframed ERET's row may show one cycle
///   more where an NMI or interrupt came before the next instruction;
/// * one unframed ERET per system call and timer interrupt (the #PF's
///   returns to the next task, the last exit does not return), one framed
///   to user mode, one framed to the kernel.
pub fn check_unit_costs(run: &Run, m: &Measurement, facts: &Facts, bus: &FrameBus) -> Result<()> {
    let table = m.to_string();
    // The unit's frame: five words with a 64-bit unit (six with a 32-bit one).
    let words = bus.words();
    let pushed = 1 + words * bus.write_cycles;
    let entry = |kind: &str| -> Result<(u64, u64, u64)> {
        let c = m
            .entry(kind)
            .ok_or_else(|| anyhow!("no {kind:?} row\n{table}"))?;
        ensure!(
            c.cycles.min == c.cycles.max && c.mem.min == c.mem.max,
            "{kind}: not always the same cost\n{table}"
        );
        Ok((c.cycles.count, c.cycles.min, c.mem.min))
    };
    let want = [
        ("SYSCALL from user", (SYSCALLS, 1, 0)),
        ("timer interrupt from user", (facts.timer_interrupts, 1, 0)),
        ("#PF from user", (1, 1, 0)),
        ("NMI from user (framed, CSTACK)", (1, pushed, words)),
        ("NMI nested in the kernel (framed)", (1, pushed, words)),
    ];
    for (kind, want) in want {
        let got = entry(kind)?;
        ensure!(
            got == want,
            "{kind}: (count, cycles, words) {got:?}, not {want:?}\n{table}"
        );
    }
    ensure!(m.entry("other entry").is_none(), "an other entry\n{table}");

    let framed = 1 + words * bus.read_cycles;
    for (i, r) in run.records.iter().enumerate() {
        if let (Trace::Eret { .. }, Some(next)) = (r.entry, run.records.get(i + 1)) {
            if matches!(next.entry, Trace::Retire { .. }) {
                let want = if r.mem == 0 { 1 } else { framed };
                let got = next.cycle - r.cycle;
                ensure!(
                    got == want,
                    "{} at cycle {}: {got} cycles, not {want}",
                    r.entry,
                    r.cycle
                );
            }
        }
    }
    let eret = |kind: &str| -> Result<(u64, u64, u64, u64)> {
        let c = m
            .eret(kind)
            .ok_or_else(|| anyhow!("no {kind:?} row\n{table}"))?;
        Ok((c.cycles.count, c.cycles.min, c.cycles.max, c.mem.max))
    };
    let (count, min, max, mem) = eret("ERET to user, unframed")?;
    let unframed = SYSCALLS + facts.timer_interrupts;
    ensure!(
        (count, min, mem) == (unframed, 1, 0) && max <= 2,
        "ERET to user, unframed: {count} of {min}..{max} cycles, {mem} words, not {unframed} of 1 (at most 2), 0\n{table}"
    );
    for kind in [
        "ERET to user, framed (after an NMI)",
        "ERET to the kernel, framed",
    ] {
        let got = eret(kind)?;
        ensure!(
            got == (1, framed, framed, words),
            "{kind}: (count, min, max, words) {got:?}, not (1, {framed}, {framed}, {words})\n{table}"
        );
    }
    Ok(())
}

impl Measurement {
    /// The crossing of this kind, if any happened.
    pub fn entry(&self, kind: &str) -> Option<&Crossing> {
        self.entries.iter().find(|c| c.kind == kind)
    }

    /// The ERET of this kind, if any happened.
    pub fn eret(&self, kind: &str) -> Option<&Crossing> {
        self.erets.iter().find(|c| c.kind == kind)
    }

    /// The path of this name, if it ran.
    pub fn path(&self, name: &str) -> Option<&Path> {
        self.paths.iter().find(|p| p.name == name)
    }

    /// The measurement as JSON.
    pub fn to_json(&self) -> String {
        let crossing = |c: &Crossing| {
            format!(
                "    {{\"kind\": {:?}, \"cycles\": {}, \"memory_accesses\": {}}}",
                c.kind,
                c.cycles.json(),
                c.mem.json()
            )
        };
        let path = |p: &Path| {
            format!(
                "    {{\"path\": {:?}, \"cycles\": {}, \"instructions\": {}}}",
                p.name,
                p.cycles.json(),
                p.instructions.json()
            )
        };
        format!(
            "{{\n  \"entries\": [\n{}\n  ],\n  \"erets\": [\n{}\n  ],\n  \"paths\": [\n{}\n  ]\n}}\n",
            self.entries.iter().map(crossing).collect::<Vec<_>>().join(",\n"),
            self.erets.iter().map(crossing).collect::<Vec<_>>().join(",\n"),
            self.paths.iter().map(path).collect::<Vec<_>>().join(",\n")
        )
    }
}

impl fmt::Display for Measurement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<40} {:>6} {:>12} {:>16}",
            "what crossed the unit", "count", "cycles each", "memory accesses"
        )?;
        for c in self.entries.iter().chain(&self.erets) {
            writeln!(
                f,
                "{:<40} {:>6} {:>12} {:>16}",
                c.kind,
                c.cycles.count,
                c.cycles.range(),
                c.mem.range()
            )?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "{:<52} {:>6} {:>20} {:>14}",
            "path", "count", "cycles min/mean/max", "instructions"
        )?;
        for p in &self.paths {
            let cycles = if p.cycles.max == 0 {
                "-".to_string()
            } else {
                format!("{}/{}/{}", p.cycles.min, p.cycles.mean(), p.cycles.max)
            };
            writeln!(
                f,
                "{:<52} {:>6} {:>20} {:>14}",
                p.name,
                p.instructions.count,
                cycles,
                p.instructions.range()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The frame offsets kernel.S names (its one place for them, per
    /// unit width) are `ptu_arch`'s frame layout.
    #[test]
    fn the_kernels_frame_offsets_are_the_units() {
        let text = std::fs::read_to_string(source()).unwrap();
        for xlen in [64usize, 32] {
            let open = ".if UNIT_XLEN == 64\n";
            let start = text.find(open).expect("the frame block of kernel.S");
            let block = &text[start + open.len()..];
            let (wide, rest) = block.split_once(".else\n").unwrap();
            let narrow = rest.split_once(".endif").unwrap().0;
            let block = if xlen == 64 { wide } else { narrow };
            let value = |name: &str| -> u64 {
                let line = block
                    .lines()
                    .find(|l| l.starts_with(&format!(".equ {name}, ")))
                    .unwrap_or_else(|| panic!("no {name} for a {xlen}-bit unit in kernel.S"));
                line.rsplit(' ').next().unwrap().parse().unwrap()
            };
            let f = ptu_arch::FrameLayout::for_xlen(xlen);
            assert_eq!(value("FRAME_BYTES"), f.bytes, "{xlen}");
            assert_eq!(value("FRAME_INFO_LO"), f.off_event_info, "{xlen}");
            // EVENT_INFO bits 63:32: a word of their own with a 32-bit
            // unit, the upper half of the one 8-byte word with a 64-bit one.
            let hi = f.off_event_info_hi.unwrap_or(f.off_event_info + 4);
            assert_eq!(value("FRAME_INFO_HI"), hi, "{xlen}");
            assert_eq!(value("FRAME_RIP"), f.off_rip, "{xlen}");
        }
    }

    #[test]
    fn an_image_without_the_header_is_refused_by_name() {
        let e = Header::read(&[0u8; 128]).unwrap_err();
        assert!(
            e.to_string().contains("no kernel header at address 8"),
            "{e}"
        );
        assert!(Header::read(&[0u8; 12]).is_err());
    }

    fn retire(pc: u64, rd: Option<(u8, u64)>) -> Trace {
        Trace::Retire {
            pc,
            insn: 0x13,
            rd,
            store: None,
        }
    }

    /// A hand-made trace, stamped as an RTL runner might (3 cycles per
    /// instruction): a user `self()` system call whose handler an NMI
    /// interrupts, and a timer interrupt that switches tasks.
    #[test]
    fn the_measurement_reads_any_stamped_trace() {
        let h = Header {
            entry: 0x100,
            entry_crit: 0x200,
            sys_call: 0x108,
            ret_to_user: 0x110,
            switch_to_next: 0x300,
            sys_self: 0x400,
            task_a: 0x800,
        };
        let syscall = 7 | 1 << 48;
        let nmi_nested = 2 | 2 << 8;
        let timer = 32 << 8 | 1 << 48;
        let t = [
            retire(0x8000, Some((17, 3))),
            Trace::Event {
                pc: 0x8004,
                info: syscall,
                data: 0,
            },
            retire(0x100, None),
            retire(0x108, Some((1, 0x10c))),
            retire(0x400, None),
            Trace::Event {
                pc: 0x404,
                info: nmi_nested,
                data: 0,
            },
            retire(0x200, None),
            Trace::Eret {
                pc: 0x204,
                to: 0x404,
            },
            retire(0x404, None),
            retire(0x10c, None),
            retire(0x110, None),
            Trace::Eret {
                pc: 0x114,
                to: 0x8008,
            },
            retire(0x8008, None),
            Trace::Event {
                pc: 0x800c,
                info: timer,
                data: 0,
            },
            retire(0x100, None),
            retire(0x300, Some((4, 0x900))),
            Trace::Eret {
                pc: 0x304,
                to: 0x9000,
            },
            retire(0x9000, None),
        ];
        // Framed entries and ERETs take 3 + 5 cycles and move 5 words.
        let mut cycle = 0;
        let records: Vec<Record> = t
            .iter()
            .map(|&entry| {
                let framed = matches!(entry, Trace::Event { info, .. } if info == nmi_nested)
                    || matches!(entry, Trace::Eret { pc: 0x204, .. });
                let r = Record {
                    cycle,
                    mem: if framed { 5 } else { 0 },
                    entry,
                };
                cycle += if framed { 8 } else { 3 };
                r
            })
            .collect();
        let m = measure(&records, &h);
        let row = |c: Option<&Crossing>| c.map(|c| (c.cycles.count, c.cycles.max, c.mem.max));
        assert_eq!(row(m.entry("SYSCALL from user")), Some((1, 3, 0)));
        assert_eq!(
            row(m.entry("NMI nested in the kernel (framed)")),
            Some((1, 8, 5))
        );
        assert_eq!(row(m.entry("timer interrupt from user")), Some((1, 3, 0)));
        assert_eq!(row(m.eret("ERET to user, unframed")), Some((2, 3, 0)));
        assert_eq!(row(m.eret("ERET to the kernel, framed")), Some((1, 8, 5)));
        let selfs = m
            .path("system call self() round trip, with a nested NMI")
            .unwrap();
        // ecall at 3 .. the user instruction at 0x8008 (after 9 records of
        // 3 cycles and 2 of 8).
        assert_eq!(selfs.cycles.max, 9 * 3 + 2 * 8);
        // 0x100, 0x108, 0x400, 0x404, 0x10c, 0x110 and the sret.
        assert_eq!(selfs.instructions.max, 7);
        let switch = m.path(TIMER_SWITCH).unwrap();
        assert_eq!((switch.cycles.max, switch.instructions.max), (12, 3));
        let table = m.to_string();
        assert!(
            table.contains("NMI nested in the kernel (framed)"),
            "{table}"
        );
    }
}
