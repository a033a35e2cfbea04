//! Emission: turn the text that rust-hdl 0.46's `generate_verilog` writes
//! into clean Verilog for any top module, and prove the result equivalent.
//!
//! rust-hdl's output has problems that Verilator, Icarus and Yosys notice
//! (see `STYLE.md`, "rust-hdl 0.46 pitfalls"). [`tidy`] reads the text once
//! into one representation, changes that, and prints it:
//!
//! 1. [`lex`]: the text into tokens (one lexer).
//! 2. [`parse`]: the tokens into the [`ast`]; anything it cannot read is an
//!    error naming the module and the line.
//! 3. [`passes`]: flip-flop `initial` blocks and unused enum `localparam`s
//!    go; names lose `$` and keywords get a `_` suffix.
//! 4. [`widths`]: integer literals get the width of their context and
//!    `bit_cast` masks become extensions or part-selects.
//! 5. [`merge`]: identical modules become one (`<top>_dff_w<N>`, a
//!    primitive's own name, or the first member's).
//! 6. [`passes`] again: split blocks (no false combinational loops in
//!    Verilator) and write-once (no zero-delay glitch loops in Icarus).
//! 7. [`print`]: the AST back into text, laid out as rust-hdl wrote it.
//!
//! [`equiv`] then proves with Yosys that the emitted text is the same
//! logic as rust-hdl's.

pub mod ast;
pub mod equiv;
pub mod lex;
pub mod merge;
pub mod number;
pub mod parse;
pub mod passes;
pub mod print;
pub mod widths;

use anyhow::{bail, Result};
use passes::RUST_HDL_TOP;
use std::collections::BTreeSet;

pub use equiv::{check_equivalence, EquivReport};

/// Tidies `raw`, the output of `rust_hdl::prelude::generate_verilog`, into a
/// file whose top module is `top_name`, starting with `header` (lines that
/// are empty or start with `//`). See the crate documentation for what
/// changes. The result contains no `$` (an error otherwise, e.g. for
/// `$signed`), ends with a newline, and depends only on the input.
pub fn tidy(raw: &str, top_name: &str, header: &str) -> Result<String> {
    check_top_name(top_name)?;
    check_header(header)?;
    // An error names the module and the line it cannot read.
    let mut design = parse::parse(raw)?;
    if !design.modules.iter().any(|m| m.name == RUST_HDL_TOP) {
        bail!(
            "no module `{RUST_HDL_TOP}` in the input: expected the output of rust-hdl's \
             generate_verilog"
        );
    }
    for m in &mut design.modules {
        passes::remove_flop_initials(m);
        passes::remove_unused_enum_params(m);
    }
    let renamed = passes::rename(&mut design, top_name)?;
    for m in &mut design.modules {
        widths::fix_widths(m);
    }
    merge::merge_duplicates(&mut design, top_name);
    check_unique_names(&design)?;
    for m in &mut design.modules {
        passes::split_blocks(m);
        passes::write_once(m)?;
    }
    let text = print::print_design(&design, header, &renamed);
    check_no_dollar(&text)?;
    Ok(text)
}

fn check_top_name(top_name: &str) -> Result<()> {
    let mut chars = top_name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok || lex::is_keyword(top_name) {
        bail!("top module name `{top_name}` is not a plain Verilog identifier");
    }
    Ok(())
}

fn check_header(header: &str) -> Result<()> {
    for (n, line) in header.lines().enumerate() {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with("//") {
            bail!("header line {} is not a `//` comment: `{}`", n + 1, line);
        }
        if t.contains('$') {
            bail!("header line {} contains `$`: `{}`", n + 1, line);
        }
    }
    Ok(())
}

fn check_unique_names(design: &ast::Design) -> Result<()> {
    let mut seen = BTreeSet::new();
    for m in &design.modules {
        if !seen.insert(m.name.clone()) {
            bail!(
                "two modules are named `{}` after renaming and merging",
                m.name
            );
        }
    }
    Ok(())
}

fn check_no_dollar(text: &str) -> Result<()> {
    if let Some((n, line)) = text.lines().enumerate().find(|(_, l)| l.contains('$')) {
        bail!(
            "the emitted Verilog would contain `$` at line {}: `{}` (system functions such as \
             $signed are not allowed; change the Rust source)",
            n + 1,
            line.trim()
        );
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_util {
    //! Inputs shaped like rust-hdl's output, for the tests of every stage.

    /// [`tidy`](crate::tidy) with top `ptu` and no header.
    pub fn tidied(src: &str) -> String {
        crate::tidy(src, "ptu", "").unwrap()
    }

    /// A flip-flop module exactly as rust-hdl writes it.
    pub fn dff(name: &str, width: u32, init: &str) -> String {
        let range = if width == 1 {
            String::new()
        } else {
            format!("[{}:0] ", width - 1)
        };
        format!(
            "\n\nmodule {name}(d,q,clock);\n    \n    // Module arguments\n    input wire  {range}d;\n    \
             output reg  {range}q;\n    input wire  clock;\n    \n    // Update code (custom)\n    \
             initial begin\n       q = {init};\n    end\n    \n    always @(posedge clock) begin\n       \
             q <= d;\n    end\n          \nendmodule // {name}\n"
        )
    }

    /// A module with the given declarations and combinational statements.
    pub fn comb(decls: &str, stmts: &str) -> String {
        format!(
            "module top();\n{decls}\n    always @(*) begin\n{stmts}\n    end\nendmodule // top\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{comb, dff};
    use std::path::{Path, PathBuf};
    use std::process::Command;

    #[test]
    fn a_module_it_cannot_read_is_an_error_not_passed_through() {
        // Custom Verilog the parser does not know (a function call) used to
        // be copied unchanged; now it stops emission, naming where.
        let src = format!(
            "module top();\nendmodule // top\n\n\nmodule top$odd(x,y);\n    input wire [7:0] x;\n    \
             output reg [7:0] y;\n    always @(*) y = f(x);\nendmodule // top$odd\n{}",
            dff("top$r", 1, "1'h0")
        );
        let err = tidy(&src, "ptu", "").unwrap_err().to_string();
        assert_eq!(
            err,
            "cannot parse module `top$odd` at line 8: function calls are not supported, found `(`"
        );
    }

    #[test]
    fn input_without_top_is_an_error() {
        let err = tidy("module foo();\nendmodule\n", "ptu", "").unwrap_err();
        assert!(
            err.to_string().starts_with("no module `top` in the input"),
            "{err}"
        );
        assert!(tidy("module top();\nendmodule\n", "event", "").is_err());
        assert!(tidy("module top();\nendmodule\n", "a$b", "").is_err());
    }

    #[test]
    fn system_functions_are_an_error_because_no_dollar_may_remain() {
        let err = tidy(
            &comb(
                "    reg [7:0] a;\n    reg b;",
                "        b = $signed(a) < 0;",
            ),
            "ptu",
            "",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("the emitted Verilog would contain `$` at line"),
            "{err}"
        );
        assert!(err.contains("$signed"), "{err}");
    }

    #[test]
    fn header_first_newline_last_and_deterministic() {
        let src = format!(
            "module top();\nendmodule // top\n{}",
            dff("top$r", 2, "2'h0")
        );
        let a = tidy(
            &src,
            "ptu",
            "// generated by ptu 0.1.0\n// config: default\n",
        )
        .unwrap();
        let b = tidy(
            &src,
            "ptu",
            "// generated by ptu 0.1.0\n// config: default\n",
        )
        .unwrap();
        assert_eq!(a, b);
        assert!(
            a.starts_with("// generated by ptu 0.1.0\n// config: default\n\nmodule ptu();\n"),
            "{a}"
        );
        assert!(a.ends_with("endmodule // ptu_dff_w2\n"), "{a}");
        assert!(!a.ends_with("\n\n"));
        let err = tidy(&src, "ptu", "// ok\nnot a comment")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "header line 2 is not a `//` comment: `not a comment`");
    }

    // --------------------------------------- a design made by rust-hdl --

    mod sample {
        use rust_hdl::prelude::*;

        #[derive(Copy, Clone, PartialEq, Debug, LogicState)]
        pub enum Phase {
            Idle,
            Run,
            Done,
        }

        /// A register with a synchronous reset to a constant.
        #[derive(LogicBlock)]
        pub struct Reg16 {
            pub clock: Signal<In, Clock>,
            pub reset: Signal<In, Bit>,
            pub we: Signal<In, Bit>,
            pub wdata: Signal<In, Bits<16>>,
            pub q: Signal<Out, Bits<16>>,
            init: Constant<Bits<16>>,
            r: DFF<Bits<16>>,
        }

        impl Default for Reg16 {
            fn default() -> Self {
                Self {
                    clock: Default::default(),
                    reset: Default::default(),
                    we: Default::default(),
                    wdata: Default::default(),
                    q: Default::default(),
                    init: Constant::new(0x1234.into()),
                    r: Default::default(),
                }
            }
        }

        impl Logic for Reg16 {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, r);
                self.q.next = self.r.q.val();
                if self.reset.val() {
                    self.r.d.next = self.init.val();
                } else if self.we.val() {
                    self.r.d.next = self.wdata.val();
                }
            }
        }

        #[derive(LogicBlock)]
        pub struct Inner {
            pub clock: Signal<In, Clock>,
            pub reset: Signal<In, Bit>,
            pub a: Signal<In, Bits<8>>,
            pub sel: Signal<In, Bits<3>>,
            pub y: Signal<Out, Bits<64>>,
            pub event: Signal<Out, Bit>,
            pub nibble: Signal<Out, Bits<4>>,
            wide: Signal<Local, Bits<64>>,
            eight: Constant<Bits<64>>,
            four: Constant<Bits<3>>,
            r: DFF<Bits<64>>,
            phase: DFF<Phase>,
            flag: DFF<Bit>,
            ra: Reg16,
            rb: Reg16,
        }

        impl Default for Inner {
            fn default() -> Self {
                Self {
                    clock: Default::default(),
                    reset: Default::default(),
                    a: Default::default(),
                    sel: Default::default(),
                    y: Default::default(),
                    event: Default::default(),
                    nibble: Default::default(),
                    wide: Default::default(),
                    eight: Constant::new(8.into()),
                    four: Constant::new(4.into()),
                    r: Default::default(),
                    phase: Default::default(),
                    flag: Default::default(),
                    ra: Default::default(),
                    rb: Default::default(),
                }
            }
        }

        impl Logic for Inner {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, r, phase, flag);
                self.ra.clock.next = self.clock.val();
                self.rb.clock.next = self.clock.val();
                self.ra.reset.next = self.reset.val();
                self.rb.reset.next = self.reset.val();
                self.ra.we.next = self.flag.q.val();
                self.rb.we.next = !self.flag.q.val();
                self.ra.wdata.next = bit_cast::<16, 8>(self.a.val()) + 1;
                self.rb.wdata.next = self.ra.q.val() + self.rb.q.val();
                self.wide.next = bit_cast::<64, 8>(self.a.val()) << self.eight.val();
                self.y.next = self.r.q.val();
                self.nibble.next = bit_cast::<4, 16>(self.rb.q.val());
                self.event.next = self.sel.val() == self.four.val();
                self.flag.d.next = self.a.val().get_bit(3) ^ self.flag.q.val();
                if self.reset.val() {
                    self.r.d.next = 0.into();
                    self.phase.d.next = Phase::Idle;
                    self.flag.d.next = false;
                } else if self.sel.val() == 4 {
                    self.r.d.next = self.wide.val() | (self.r.q.val() - 8);
                }
                match self.phase.q.val() {
                    Phase::Idle => self.phase.d.next = Phase::Run,
                    Phase::Run => {
                        if self.a.val() == 0xff {
                            self.phase.d.next = Phase::Done;
                        } else {
                            self.phase.d.next = Phase::Run;
                        }
                    }
                    _ => {}
                }
                match self.sel.val().index() {
                    0 => self.r.d.next = self.eight.val(),
                    0x3 => self.r.d.next = self.r.q.val().replace_bit(5, self.flag.q.val()),
                    _ => {}
                }
            }
        }

        #[derive(LogicBlock, Default)]
        pub struct Top {
            /// clock
            pub clock: Signal<In, Clock>,
            /// synchronous reset
            pub reset: Signal<In, Bit>,
            /// data in
            pub a: Signal<In, Bits<8>>,
            /// wide result
            pub y: Signal<Out, Bits<64>>,
            /// the inner block's `event`
            pub e: Signal<Out, Bit>,
            /// a narrowed value
            pub s: Signal<Out, Bits<4>>,
            inner: Inner,
        }

        impl Logic for Top {
            #[hdl_gen]
            fn update(&mut self) {
                self.inner.clock.next = self.clock.val();
                self.inner.reset.next = self.reset.val();
                self.inner.a.next = self.a.val();
                self.inner.sel.next = self.a.val().get_bits::<3>(0);
                self.y.next = self.inner.y.val();
                self.e.next = self.inner.event.val();
                self.s.next = self.inner.nibble.val();
            }
        }
    }

    fn package_of(tool: &str) -> &'static str {
        match tool {
            "verilator" => "verilator",
            "iverilog" => "iverilog",
            _ => "yosys",
        }
    }

    /// Runs `tool` in `dir`; its exit status and its stdout and stderr.
    fn run(tool: &str, args: &[&str], dir: &Path) -> (bool, String) {
        let out = Command::new(tool)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "{tool} could not be run ({e}): run ./setup.sh (installs Debian package {})",
                    package_of(tool)
                )
            });
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn scratch_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ptu-emit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn rust_hdl_sample_is_clean_in_verilator_icarus_and_yosys() {
        use rust_hdl::prelude::*;
        let mut top = sample::Top::default();
        top.connect_all();
        check_all(&top).unwrap();
        let raw = generate_verilog(&top);
        // The problems this module exists for are all in the raw text.
        for problem in [
            "module top(",
            "top$inner",
            "inner$clock",
            "initial begin",
            "32'h",
            ".event(",
        ] {
            assert!(
                raw.contains(problem),
                "rust-hdl no longer writes `{problem}`"
            );
        }

        let v = tidy(&raw, "demo", "// tidy test\n").unwrap();
        assert_eq!(v, tidy(&raw, "demo", "// tidy test\n").unwrap());
        assert!(
            !v.contains('$') && !v.contains("initial") && !v.contains("32'h"),
            "{v}"
        );
        for want in [
            "module demo(clock,reset,a,y,e,s);",
            "demo_inner inner(",
            ".event_(inner_event)",
            "demo_inner_ra ra(",
            "demo_inner_ra rb(",
            "demo_dff_w64 r(",
            "demo_dff_w2 phase(",
            "demo_dff_w1 flag(",
            "demo_dff_w16 r(",
        ] {
            assert!(v.contains(want), "missing `{want}` in\n{v}");
        }

        let dir = scratch_dir("sample");
        std::fs::write(dir.join("demo.v"), &v).unwrap();
        // One file holds every module of the design, by design.
        std::fs::write(
            dir.join("demo.vlt"),
            "`verilator_config\nlint_off -rule DECLFILENAME -file \"*/demo.v\"\n",
        )
        .unwrap();
        let d = dir.to_str().unwrap();
        let (ok, out) = run(
            "verilator",
            &[
                "--lint-only",
                "-Wall",
                "-Wno-fatal",
                "--top-module",
                "demo",
                &format!("{d}/demo.vlt"),
                &format!("{d}/demo.v"),
            ],
            &dir,
        );
        assert!(
            ok && !out.contains("%Warning") && !out.contains("%Error"),
            "verilator:\n{out}\n{v}"
        );
        let (ok, out) = run(
            "iverilog",
            &["-g2005", "-s", "demo", "-o", "/dev/null", "demo.v"],
            &dir,
        );
        let lower = out.to_lowercase();
        assert!(
            ok && !lower.contains("warning") && !lower.contains("error"),
            "iverilog:\n{out}"
        );
        let (ok, out) = run(
            "yosys",
            &["-p", "read_verilog demo.v; synth_ice40 -top demo; stat"],
            &dir,
        );
        let warnings: Vec<&str> = out.lines().filter(|l| l.starts_with("Warning:")).collect();
        assert!(
            ok && warnings.is_empty(),
            "yosys: {warnings:?}\n{}",
            &out[out.len().saturating_sub(3000)..]
        );
        assert!(out.contains("SB_DFF"), "no flip-flops after synthesis");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
