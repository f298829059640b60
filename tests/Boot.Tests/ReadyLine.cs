using System.Globalization;
using System.Text.RegularExpressions;

namespace Microkernel.BootTests;

/// <summary>The kernel's one-line boot summary:
/// <c>ready: services=&lt;n&gt; free_kib=&lt;n&gt; boot_us=&lt;n&gt;</c>.</summary>
/// <param name="Services">Services started.</param>
/// <param name="FreeKib">Free physical memory in KiB.</param>
/// <param name="BootUs">Microseconds from the first kernel instruction to the line.</param>
public sealed partial record ReadyLine(long Services, long FreeKib, long BootUs)
{
    /// <summary>The exact shape of the line: nothing before or after, decimal numbers only.</summary>
    [GeneratedRegex(@"^ready: services=(?<services>\d+) free_kib=(?<free>\d+) boot_us=(?<boot>\d+)$")]
    public static partial Regex Shape();

    /// <summary>Parses <paramref name="line"/>, or returns null if it does not have the exact shape.</summary>
    public static ReadyLine? TryParse(string line)
    {
        Match match = Shape().Match(line);
        if (!match.Success)
        {
            return null;
        }

        return new ReadyLine(
            long.Parse(match.Groups["services"].Value, CultureInfo.InvariantCulture),
            long.Parse(match.Groups["free"].Value, CultureInfo.InvariantCulture),
            long.Parse(match.Groups["boot"].Value, CultureInfo.InvariantCulture));
    }
}
