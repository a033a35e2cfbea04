# The RV64I-only encodings are #UD on the RV32I core: ld, sd, lwu and the
# W instructions (addiw, slliw, srliw, sraiw, addw, subw, sllw, srlw,
# sraw). None writes its destination or memory. RV32I only (on RV64I they
# are ordinary instructions: soc/tests check that this program fails
# there).
    .include "test.inc"
    RVTEST_RV32_ONLY

.macro TEST_UD n, word
    TRAP_BEGIN \n
    li a4, 0x5a5a
    la a1, udat
    li a2, 3
    .word \word
    TRAP_END INFO_UD, 0
    EXPECT a4, 0x5a5a
    lw a4, 0(a1)
    EXPECT a4, 0x0badcafe
    lw a4, 4(a1)
    EXPECT a4, 0x12345678
.endm

    RVTEST_BEGIN

    TEST_UD 2, 0x0005b703   # ld a4, 0(a1)
    TEST_UD 3, 0x00c5b023   # sd a2, 0(a1)
    TEST_UD 4, 0x0005e703   # lwu a4, 0(a1)
    TEST_UD 5, 0x0015871b   # addiw a4, a1, 1
    TEST_UD 6, 0x0015971b   # slliw a4, a1, 1
    TEST_UD 7, 0x0015d71b   # srliw a4, a1, 1
    TEST_UD 8, 0x4015d71b   # sraiw a4, a1, 1
    TEST_UD 9, 0x00c5873b   # addw a4, a1, a2
    TEST_UD 10, 0x40c5873b  # subw a4, a1, a2
    TEST_UD 11, 0x00c5973b  # sllw a4, a1, a2
    TEST_UD 12, 0x00c5d73b  # srlw a4, a1, a2
    TEST_UD 13, 0x40c5d73b  # sraw a4, a1, a2

    RVTEST_END

    .section .data
    .balign 8
udat: .word 0x0badcafe, 0x12345678
