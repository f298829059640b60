using System;
using System.Collections.Generic;

namespace Microkernel.Tests;

/// <summary>
/// Gives each test entry its own static init and term function (the inittab takes
/// <c>delegate*&lt;int&gt;</c>, so behaviour cannot be captured in closures): slot i's
/// functions record "init i" / "term i" in the calling thread's log and return the code
/// the scenario set for slot i. A hook lets a scenario run code inside a slot's function
/// (e.g. a nested RunTerm, as a panic path would).
/// </summary>
public static unsafe class Slots
{
    public const int Count = 64;

    [ThreadStatic] private static int[]? s_initCodes;
    [ThreadStatic] private static int[]? s_termCodes;
    [ThreadStatic] private static List<string>? s_log;
    [ThreadStatic] private static Action<int, bool>? s_hook;

    /// <summary>Starts a scenario on this thread: all codes 0, an empty log, no hook.</summary>
    public static List<string> Reset()
    {
        s_initCodes = new int[Count];
        s_termCodes = new int[Count];
        s_log = new List<string>();
        s_hook = null;
        return s_log;
    }

    public static int[] InitCodes => s_initCodes!;

    public static int[] TermCodes => s_termCodes!;

    /// <summary>Called as (slot, isTerm) inside a slot's function, after it logged.</summary>
    public static Action<int, bool>? Hook { get => s_hook; set => s_hook = value; }

    private static int RunInit(int slot)
    {
        s_log!.Add("init " + slot);
        s_hook?.Invoke(slot, false);
        return s_initCodes![slot];
    }

    private static int RunTerm(int slot)
    {
        s_log!.Add("term " + slot);
        s_hook?.Invoke(slot, true);
        return s_termCodes![slot];
    }

    public static delegate*<int> Init(int slot) => slot switch
    {
        0 => &I0,
        1 => &I1,
        2 => &I2,
        3 => &I3,
        4 => &I4,
        5 => &I5,
        6 => &I6,
        7 => &I7,
        8 => &I8,
        9 => &I9,
        10 => &I10,
        11 => &I11,
        12 => &I12,
        13 => &I13,
        14 => &I14,
        15 => &I15,
        16 => &I16,
        17 => &I17,
        18 => &I18,
        19 => &I19,
        20 => &I20,
        21 => &I21,
        22 => &I22,
        23 => &I23,
        24 => &I24,
        25 => &I25,
        26 => &I26,
        27 => &I27,
        28 => &I28,
        29 => &I29,
        30 => &I30,
        31 => &I31,
        32 => &I32,
        33 => &I33,
        34 => &I34,
        35 => &I35,
        36 => &I36,
        37 => &I37,
        38 => &I38,
        39 => &I39,
        40 => &I40,
        41 => &I41,
        42 => &I42,
        43 => &I43,
        44 => &I44,
        45 => &I45,
        46 => &I46,
        47 => &I47,
        48 => &I48,
        49 => &I49,
        50 => &I50,
        51 => &I51,
        52 => &I52,
        53 => &I53,
        54 => &I54,
        55 => &I55,
        56 => &I56,
        57 => &I57,
        58 => &I58,
        59 => &I59,
        60 => &I60,
        61 => &I61,
        62 => &I62,
        63 => &I63,
        _ => throw new ArgumentOutOfRangeException(nameof(slot)),
    };

    public static delegate*<int> Term(int slot) => slot switch
    {
        0 => &T0,
        1 => &T1,
        2 => &T2,
        3 => &T3,
        4 => &T4,
        5 => &T5,
        6 => &T6,
        7 => &T7,
        8 => &T8,
        9 => &T9,
        10 => &T10,
        11 => &T11,
        12 => &T12,
        13 => &T13,
        14 => &T14,
        15 => &T15,
        16 => &T16,
        17 => &T17,
        18 => &T18,
        19 => &T19,
        20 => &T20,
        21 => &T21,
        22 => &T22,
        23 => &T23,
        24 => &T24,
        25 => &T25,
        26 => &T26,
        27 => &T27,
        28 => &T28,
        29 => &T29,
        30 => &T30,
        31 => &T31,
        32 => &T32,
        33 => &T33,
        34 => &T34,
        35 => &T35,
        36 => &T36,
        37 => &T37,
        38 => &T38,
        39 => &T39,
        40 => &T40,
        41 => &T41,
        42 => &T42,
        43 => &T43,
        44 => &T44,
        45 => &T45,
        46 => &T46,
        47 => &T47,
        48 => &T48,
        49 => &T49,
        50 => &T50,
        51 => &T51,
        52 => &T52,
        53 => &T53,
        54 => &T54,
        55 => &T55,
        56 => &T56,
        57 => &T57,
        58 => &T58,
        59 => &T59,
        60 => &T60,
        61 => &T61,
        62 => &T62,
        63 => &T63,
        _ => throw new ArgumentOutOfRangeException(nameof(slot)),
    };

    private static int I0() => RunInit(0);
    private static int I1() => RunInit(1);
    private static int I2() => RunInit(2);
    private static int I3() => RunInit(3);
    private static int I4() => RunInit(4);
    private static int I5() => RunInit(5);
    private static int I6() => RunInit(6);
    private static int I7() => RunInit(7);
    private static int I8() => RunInit(8);
    private static int I9() => RunInit(9);
    private static int I10() => RunInit(10);
    private static int I11() => RunInit(11);
    private static int I12() => RunInit(12);
    private static int I13() => RunInit(13);
    private static int I14() => RunInit(14);
    private static int I15() => RunInit(15);
    private static int I16() => RunInit(16);
    private static int I17() => RunInit(17);
    private static int I18() => RunInit(18);
    private static int I19() => RunInit(19);
    private static int I20() => RunInit(20);
    private static int I21() => RunInit(21);
    private static int I22() => RunInit(22);
    private static int I23() => RunInit(23);
    private static int I24() => RunInit(24);
    private static int I25() => RunInit(25);
    private static int I26() => RunInit(26);
    private static int I27() => RunInit(27);
    private static int I28() => RunInit(28);
    private static int I29() => RunInit(29);
    private static int I30() => RunInit(30);
    private static int I31() => RunInit(31);
    private static int I32() => RunInit(32);
    private static int I33() => RunInit(33);
    private static int I34() => RunInit(34);
    private static int I35() => RunInit(35);
    private static int I36() => RunInit(36);
    private static int I37() => RunInit(37);
    private static int I38() => RunInit(38);
    private static int I39() => RunInit(39);
    private static int I40() => RunInit(40);
    private static int I41() => RunInit(41);
    private static int I42() => RunInit(42);
    private static int I43() => RunInit(43);
    private static int I44() => RunInit(44);
    private static int I45() => RunInit(45);
    private static int I46() => RunInit(46);
    private static int I47() => RunInit(47);
    private static int I48() => RunInit(48);
    private static int I49() => RunInit(49);
    private static int I50() => RunInit(50);
    private static int I51() => RunInit(51);
    private static int I52() => RunInit(52);
    private static int I53() => RunInit(53);
    private static int I54() => RunInit(54);
    private static int I55() => RunInit(55);
    private static int I56() => RunInit(56);
    private static int I57() => RunInit(57);
    private static int I58() => RunInit(58);
    private static int I59() => RunInit(59);
    private static int I60() => RunInit(60);
    private static int I61() => RunInit(61);
    private static int I62() => RunInit(62);
    private static int I63() => RunInit(63);
    private static int T0() => RunTerm(0);
    private static int T1() => RunTerm(1);
    private static int T2() => RunTerm(2);
    private static int T3() => RunTerm(3);
    private static int T4() => RunTerm(4);
    private static int T5() => RunTerm(5);
    private static int T6() => RunTerm(6);
    private static int T7() => RunTerm(7);
    private static int T8() => RunTerm(8);
    private static int T9() => RunTerm(9);
    private static int T10() => RunTerm(10);
    private static int T11() => RunTerm(11);
    private static int T12() => RunTerm(12);
    private static int T13() => RunTerm(13);
    private static int T14() => RunTerm(14);
    private static int T15() => RunTerm(15);
    private static int T16() => RunTerm(16);
    private static int T17() => RunTerm(17);
    private static int T18() => RunTerm(18);
    private static int T19() => RunTerm(19);
    private static int T20() => RunTerm(20);
    private static int T21() => RunTerm(21);
    private static int T22() => RunTerm(22);
    private static int T23() => RunTerm(23);
    private static int T24() => RunTerm(24);
    private static int T25() => RunTerm(25);
    private static int T26() => RunTerm(26);
    private static int T27() => RunTerm(27);
    private static int T28() => RunTerm(28);
    private static int T29() => RunTerm(29);
    private static int T30() => RunTerm(30);
    private static int T31() => RunTerm(31);
    private static int T32() => RunTerm(32);
    private static int T33() => RunTerm(33);
    private static int T34() => RunTerm(34);
    private static int T35() => RunTerm(35);
    private static int T36() => RunTerm(36);
    private static int T37() => RunTerm(37);
    private static int T38() => RunTerm(38);
    private static int T39() => RunTerm(39);
    private static int T40() => RunTerm(40);
    private static int T41() => RunTerm(41);
    private static int T42() => RunTerm(42);
    private static int T43() => RunTerm(43);
    private static int T44() => RunTerm(44);
    private static int T45() => RunTerm(45);
    private static int T46() => RunTerm(46);
    private static int T47() => RunTerm(47);
    private static int T48() => RunTerm(48);
    private static int T49() => RunTerm(49);
    private static int T50() => RunTerm(50);
    private static int T51() => RunTerm(51);
    private static int T52() => RunTerm(52);
    private static int T53() => RunTerm(53);
    private static int T54() => RunTerm(54);
    private static int T55() => RunTerm(55);
    private static int T56() => RunTerm(56);
    private static int T57() => RunTerm(57);
    private static int T58() => RunTerm(58);
    private static int T59() => RunTerm(59);
    private static int T60() => RunTerm(60);
    private static int T61() => RunTerm(61);
    private static int T62() => RunTerm(62);
    private static int T63() => RunTerm(63);
}
