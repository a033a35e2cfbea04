# RV64I register-register and register-immediate arithmetic and logic:
# add, addi, sub, and, andi, or, ori, xor, xori, slt, slti, sltu, sltiu,
# lui, auipc, and writes to x0.
    .include "test.inc"
    RVTEST_BEGIN

    TEST_RR_OP 2, add, 0x00000000, 0x00000000, 0x00000000
    TEST_RR_OP 3, add, 0x00000002, 0x00000001, 0x00000001
    TEST_RR_OP 4, add, 0xffffffff80000000, 0x0000000000000000, 0xffffffff80000000
    TEST_RR_OP 5, add, 0x0000000080000000, 0x000000007fffffff, 0x0000000000000001
    TEST_RR_OP 6, add, 0x0000000000000000, 0xffffffffffffffff, 0x0000000000000001
    TEST_RR_OP 7, add, 0x8000000000000000, 0x7fffffffffffffff, 0x0000000000000001
    TEST_RR_SRC1_EQ_DEST 8, add, 24, 13, 11

    TEST_IMM_OP 9, addi, 0x00000000, 0x00000000, 0x000
    TEST_IMM_OP 10, addi, 0xfffffffffffff800, 0x0000000000000000, -2048
    TEST_IMM_OP 11, addi, 0x00000000000007ff, 0x0000000000000000, 2047
    TEST_IMM_OP 12, addi, 0xffffffffffffffff, 0x0000000000000000, -1
    TEST_IMM_OP 13, addi, 0x0000000080000000, 0x000000007fffffff, 1

    TEST_RR_OP 14, sub, 0x0000000000000000, 0x0000000000000003, 0x0000000000000003
    TEST_RR_OP 15, sub, 0xfffffffffffffffc, 0x0000000000000003, 0x0000000000000007
    TEST_RR_OP 16, sub, 0x0000000080000000, 0x0000000000000000, 0xffffffff80000000
    TEST_RR_OP 17, sub, 0x7fffffffffffffff, 0x8000000000000000, 0x0000000000000001

    TEST_RR_OP 18, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f
    TEST_RR_OP 19, and, 0x00f000f0, 0x0ff00ff0, 0xf0f0f0f0
    TEST_IMM_OP 20, andi, 0xff00ff00, 0xff00ff00, -256
    TEST_IMM_OP 21, andi, 0x000000f0, 0x0ff00ff0, 0x0f0
    TEST_RR_OP 22, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f
    TEST_RR_OP 23, or, 0xfff0fff0, 0x0ff00ff0, 0xf0f0f0f0
    TEST_IMM_OP 24, ori, 0xffffffffffffff0f, 0xffffffffff00ff00, -241
    TEST_IMM_OP 25, ori, 0x000000000ff00ff0, 0x000000000ff00ff0, 0x0f0
    TEST_RR_OP 26, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f
    TEST_RR_OP 27, xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0
    TEST_IMM_OP 28, xori, 0xffffffffff00f00f, 0x0000000000ff0f00, -241
    TEST_IMM_OP 29, xori, 0x000000000ff00f00, 0x000000000ff00ff0, 0x0f0

    TEST_RR_OP 30, slt, 0, 0x0000000000000000, 0x0000000000000000
    TEST_RR_OP 31, slt, 1, 0x0000000000000003, 0x0000000000000007
    TEST_RR_OP 32, slt, 1, 0x8000000000000000, 0x0000000000000000
    TEST_RR_OP 33, slt, 0, 0x7fffffffffffffff, 0x8000000000000000
    TEST_RR_OP 34, slt, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_IMM_OP 35, slti, 1, 0xffffffffffffffff, 1
    TEST_IMM_OP 36, slti, 0, 0x0000000000000003, -1
    TEST_IMM_OP 37, slti, 1, 0x8000000000000000, -2048
    TEST_RR_OP 38, sltu, 0, 0x0000000000000000, 0x0000000000000000
    TEST_RR_OP 39, sltu, 0, 0xffffffffffffffff, 0x0000000000000001
    TEST_RR_OP 40, sltu, 1, 0x0000000000000001, 0xffffffffffffffff
    TEST_RR_OP 41, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff
    TEST_IMM_OP 42, sltiu, 1, 0x0000000000000003, -1
    TEST_IMM_OP 43, sltiu, 0, 0xffffffffffffffff, -1
    TEST_IMM_OP 44, sltiu, 1, 0x0000000000000000, 1
    TEST_IMM_OP 45, sltiu, 0, 0x0000000000000001, 0

    # lui: the immediate fills bits 31:12, sign-extended to 64 bits.
    TEST_BEGIN 46
    lui a4, 0x00000
    EXPECT a4, 0
    TEST_BEGIN 47
    lui a4, 0xfffff
    srai a4, a4, 1
    EXPECT a4, 0xfffffffffffff800
    TEST_BEGIN 48
    lui a4, 0x7ffff
    srai a4, a4, 20
    EXPECT a4, 0x00000000000007ff
    TEST_BEGIN 49
    lui a4, 0x80000
    EXPECT a4, 0xffffffff80000000

    # auipc: pc-relative.
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

    # x0 stays zero.
    TEST_RR_ZERODEST 53, add, 16, 30
    TEST_RR_ZERODEST 54, or, 16, 30
    TEST_BEGIN 55
    addi x0, x0, 5
    lui x0, 0x12345
    EXPECT x0, 0

    RVTEST_END
