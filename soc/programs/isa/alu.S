# Register-register and register-immediate arithmetic and logic, RV64I and
# RV32I: add, addi, sub, and, andi, or, ori, xor, xori, slt, slti, sltu,
# sltiu, lui, auipc, and writes to x0. Sums wrap at 2^XLEN, comparisons
# see bit XLEN-1 as the sign. (A negative number is sign-extended to the
# register: test.inc, XMIN.)
    .include "test.inc"
    RVTEST_BEGIN

    TEST_RR_OP 2, add, 0x00000000, 0x00000000, 0x00000000
    TEST_RR_OP 3, add, 0x00000002, 0x00000001, 0x00000001
    TEST_RR_OP 4, add, -0x80000000, 0x00000000, -0x80000000
    TEST_RR_OP 5, add, 0x80000000, 0x7fffffff, 0x00000001
    TEST_RR_OP 6, add, 0x00000000, -1, 0x00000001
.if XLEN == 64
    TEST_RR_OP 7, add, XMIN, XMAX, 0x00000001
.else
    TEST_RR_OP 7, add, -2, -1, -1
.endif
    TEST_RR_SRC1_EQ_DEST 8, add, 24, 13, 11

    TEST_IMM_OP 9, addi, 0x00000000, 0x00000000, 0x000
    TEST_IMM_OP 10, addi, -2048, 0x00000000, -2048
    TEST_IMM_OP 11, addi, 0x000007ff, 0x00000000, 2047
    TEST_IMM_OP 12, addi, -1, 0x00000000, -1
    TEST_IMM_OP 13, addi, 0x80000000, 0x7fffffff, 1
.if XLEN == 32
    TEST_IMM_OP 56, addi, 0x00000000, -1, 1
.endif

    TEST_RR_OP 14, sub, 0x00000000, 0x00000003, 0x00000003
    TEST_RR_OP 15, sub, -4, 0x00000003, 0x00000007
    TEST_RR_OP 16, sub, 0x80000000, 0x00000000, -0x80000000
    TEST_RR_OP 17, sub, XMAX, XMIN, 0x00000001
.if XLEN == 32
    TEST_RR_OP 57, sub, -1, 0x00000000, 0x00000001
.endif

    TEST_RR_OP 18, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f
    TEST_RR_OP 19, and, 0x00f000f0, 0x0ff00ff0, 0xf0f0f0f0
    TEST_IMM_OP 20, andi, 0xff00ff00, 0xff00ff00, -256
    TEST_IMM_OP 21, andi, 0x000000f0, 0x0ff00ff0, 0x0f0
    TEST_RR_OP 22, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f
    TEST_RR_OP 23, or, 0xfff0fff0, 0x0ff00ff0, 0xf0f0f0f0
    TEST_IMM_OP 24, ori, -0xf1, -0xff0100, -241             # ..ffff0f, ..ff00ff00
    TEST_IMM_OP 25, ori, 0x0ff00ff0, 0x0ff00ff0, 0x0f0
    TEST_RR_OP 26, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f
    TEST_RR_OP 27, xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0
    TEST_IMM_OP 28, xori, -0xff0ff1, 0x00ff0f00, -241        # ..ff00f00f
    TEST_IMM_OP 29, xori, 0x0ff00f00, 0x0ff00ff0, 0x0f0

    TEST_RR_OP 30, slt, 0, 0x00000000, 0x00000000
    TEST_RR_OP 31, slt, 1, 0x00000003, 0x00000007
    TEST_RR_OP 32, slt, 1, XMIN, 0x00000000
    TEST_RR_OP 33, slt, 0, XMAX, XMIN
    TEST_RR_OP 34, slt, 1, -1, 0x00000001
    TEST_IMM_OP 35, slti, 1, -1, 1
    TEST_IMM_OP 36, slti, 0, 0x00000003, -1
    TEST_IMM_OP 37, slti, 1, XMIN, -2048
    TEST_RR_OP 38, sltu, 0, 0x00000000, 0x00000000
    TEST_RR_OP 39, sltu, 0, -1, 0x00000001
    TEST_RR_OP 40, sltu, 1, 0x00000001, -1
    TEST_RR_OP 41, sltu, 0, XMIN, XMAX
    TEST_IMM_OP 42, sltiu, 1, 0x00000003, -1
    TEST_IMM_OP 43, sltiu, 0, -1, -1
    TEST_IMM_OP 44, sltiu, 1, 0x00000000, 1
    TEST_IMM_OP 45, sltiu, 0, 0x00000001, 0

    # lui: the immediate fills bits 31:12, sign-extended to the register.
    TEST_BEGIN 46
    lui a4, 0x00000
    EXPECT a4, 0
    TEST_BEGIN 47
    lui a4, 0xfffff
    srai a4, a4, 1
    EXPECT a4, -2048
    TEST_BEGIN 48
    lui a4, 0x7ffff
    srai a4, a4, 20
    EXPECT a4, 0x000007ff
    TEST_BEGIN 49
    lui a4, 0x80000
    EXPECT a4, -0x80000000
.if XLEN == 32
    # A 32-bit register: 0x80000000 shifted right by one is 0x40000000.
    srli a4, a4, 1
    EXPECT a4, 0x40000000
.endif

    # auipc: pc-relative (wrapping at 2^32 on RV32I).
    TEST_BEGIN 50
1:  auipc a4, 0
    la a2, 1b
    FAIL_IF_NE a4, a2
    TEST_BEGIN 51
2:  auipc a4, 1
    la a2, 2b
    sub a4, a4, a2
    EXPECT a4, 0x1000
    TEST_BEGIN 52
3:  auipc a4, 0xfffff
    la a2, 3b
    sub a2, a2, a4
    EXPECT a2, 0x1000
.if XLEN == 32
    # pc - 0x1000 near 0 wraps to the top of the 32-bit space.
    TEST_BEGIN 58
    la a2, 3b
    li a1, 0x1000
    FAIL_UNLESS_LTU a2, a1
    FAIL_UNLESS_LTU a2, a4  # a4 = 3b - 0x1000 (mod 2^32) is above 3b
    srli a4, a4, 20
    EXPECT a4, 0xfff
.endif

    # x0 stays zero.
    TEST_RR_ZERODEST 53, add, 16, 30
    TEST_RR_ZERODEST 54, or, 16, 30
    TEST_BEGIN 55
    addi x0, x0, 5
    lui x0, 0x12345
    EXPECT x0, 0

    RVTEST_END
