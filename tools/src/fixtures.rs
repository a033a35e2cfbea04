//! Small designs and scratch folders that the tool checks of several
//! crates test themselves on (`ptu_tools::lint`, `ptu_synth::lint`).

use std::path::{Path, PathBuf};

/// An 8-bit counter with a synchronous reset: clean in Verilator
/// `-Wall`, Icarus and Yosys.
pub const COUNTER_V: &str = "\
module counter(clock, reset, count);
    input wire clock;
    input wire reset;
    output reg [7:0] count;
    always @(posedge clock) begin
        if (reset) begin
            count <= 8'h0;
        end
        else begin
            count <= count + 8'h1;
        end
    end
endmodule
";

/// An empty folder `ptu-<owner>-<name>-<pid>` in the temporary folder
/// (emptied if it was there).
pub fn scratch(owner: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ptu-{owner}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `text` to `dir/file` and returns its path.
pub fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    let p = dir.join(file);
    std::fs::write(&p, text).unwrap();
    p
}
