using System;
using System.Runtime.CompilerServices;

namespace Microkernel.Tests;

/// <summary>Expectations for in-image tests. Each records the first failure with what
/// was checked, the values and the line, and lets the case continue (like uktest's
/// UK_TEST_EXPECT), so one run reports as much as it can.</summary>
internal static class Expect
{
    internal static void True(ref TestResult t, bool condition, System.ReadOnlySpan<byte> what, [CallerLineNumber] int line = 0)
    {
        t.Checks++;
        if (condition || !t.BeginFailure())
        {
            return;
        }

        t.Append(what);
        t.Append(" is false (line "u8);
        t.AppendDecimal(line);
        t.Append(")"u8);
    }

    internal static void False(ref TestResult t, bool condition, System.ReadOnlySpan<byte> what, [CallerLineNumber] int line = 0) =>
        True(ref t, !condition, what, line);

    internal static void Equal(ref TestResult t, long expected, long actual, System.ReadOnlySpan<byte> what, [CallerLineNumber] int line = 0)
    {
        t.Checks++;
        if (expected == actual || !t.BeginFailure())
        {
            return;
        }

        t.Append(what);
        t.Append(": expected "u8);
        t.AppendDecimal(expected);
        t.Append(", got "u8);
        t.AppendDecimal(actual);
        t.Append(" (line "u8);
        t.AppendDecimal(line);
        t.Append(")"u8);
    }

    internal static void Equal(ref TestResult t, ulong expected, ulong actual, System.ReadOnlySpan<byte> what, [CallerLineNumber] int line = 0)
    {
        t.Checks++;
        if (expected == actual || !t.BeginFailure())
        {
            return;
        }

        t.Append(what);
        t.Append(": expected "u8);
        t.AppendHex(expected);
        t.Append(", got "u8);
        t.AppendHex(actual);
        t.Append(" (line "u8);
        t.AppendDecimal(line);
        t.Append(")"u8);
    }

    internal static void Bytes(ref TestResult t, System.ReadOnlySpan<byte> expected, System.ReadOnlySpan<byte> actual, System.ReadOnlySpan<byte> what, [CallerLineNumber] int line = 0)
    {
        t.Checks++;
        if (expected.SequenceEqual(actual) || !t.BeginFailure())
        {
            return;
        }

        t.Append(what);
        t.Append(": expected \""u8);
        t.Append(expected);
        t.Append("\", got \""u8);
        t.Append(actual);
        t.Append("\" (line "u8);
        t.AppendDecimal(line);
        t.Append(")"u8);
    }
}
