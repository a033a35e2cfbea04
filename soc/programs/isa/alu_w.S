# RV64I word (32-bit) instructions, results sign-extended: addw, addiw,
# subw, sllw, srlw, sraw, slliw, srliw, sraiw.
# RV64I only: RV32I has no W instructions (isa32/rv64_only.S checks that
# the RV32I core refuses them).
    .include "test.inc"
    RVTEST_RV64_ONLY
    RVTEST_BEGIN

    TEST_RR_OP 2, addw, 0x00000002, 0x00000001, 0x00000001
    TEST_RR_OP 3, addw, 0xffffffff80000000, 0x000000007fffffff, 0x0000000000000001
    TEST_RR_OP 4, addw, 0x0000000000000000, 0xffffffffffffffff, 0x0000000000000001
    TEST_RR_OP 5, addw, 0x0000000000000003, 0x1234567800000001, 0x0000000100000002
    TEST_IMM_OP 6, addiw, 0xffffffff80000000, 0x000000007fffffff, 1
    TEST_IMM_OP 7, addiw, 0x000000007fffffff, 0xffffffff80000000, -1
    TEST_IMM_OP 8, addiw, 0x0000000000000000, 0x00000000ffffffff, 1
    TEST_IMM_OP 9, addiw, 0x0000000000000005, 0x1000000000000005, 0
    TEST_RR_OP 10, subw, 0xfffffffffffffffc, 0x0000000000000003, 0x0000000000000007
    TEST_RR_OP 11, subw, 0x000000007fffffff, 0xffffffff80000000, 0x0000000000000001
    TEST_RR_OP 12, subw, 0xffffffff80000000, 0x0000000000000000, 0xffffffff80000000
    TEST_RR_OP 13, sllw, 0xffffffff80000000, 0x0000000000000001, 31
    TEST_RR_OP 14, sllw, 0x0000000000000002, 0x0000000000000001, 33
    TEST_RR_OP 15, sllw, 0x0000000012345678, 0xffffffff12345678, 0
    TEST_RR_OP 16, srlw, 0x0000000000000001, 0xffffffff80000000, 31
    TEST_RR_OP 17, srlw, 0x0000000040000000, 0xffffffff80000000, 33
    TEST_RR_OP 18, srlw, 0xffffffff80000000, 0x0000000080000000, 0
    TEST_RR_OP 19, sraw, 0xffffffffffffffff, 0x0000000080000000, 31
    TEST_RR_OP 20, sraw, 0xffffffffc0000000, 0x0000000080000000, 33
    TEST_RR_OP 21, sraw, 0x000000003fffffff, 0xffffffff7fffffff, 1
    TEST_IMM_OP 22, slliw, 0xffffffff80000000, 0x0000000000000001, 31
    TEST_IMM_OP 23, slliw, 0x0000000000004000, 0x0000000000000001, 14
    TEST_IMM_OP 24, srliw, 0x0000000000000001, 0xffffffff80000000, 31
    TEST_IMM_OP 25, srliw, 0x000000007fffffff, 0xffffffffffffffff, 1
    TEST_IMM_OP 26, sraiw, 0xffffffffffffffff, 0x0000000080000000, 31
    TEST_IMM_OP 27, sraiw, 0x0000000000000000, 0xffffffff7fffffff, 31
    TEST_IMM_OP 28, sraiw, 0xffffffffc0000000, 0x0000000080000000, 1

    RVTEST_END
