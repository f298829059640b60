using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageProfile;

/// <summary>A service the kernel started: its name, process id and load base (where its ELF's address 0 is mapped).</summary>
/// <param name="Name">The service name (its ELF is <c>NAME.elf</c> in the services directory).</param>
/// <param name="Pid">The process id.</param>
/// <param name="Base">The load base.</param>
public readonly record struct ServiceLoad(string Name, int Pid, ulong Base);

/// <summary>
/// Reads the kernel's service start lines from the serial log:
/// <c>[info] proc: service echo-server pid=2 base=0x00000087b82c2000</c>.
/// Only lines from the kernel's <c>proc</c> source count, so a service cannot print a look-alike.
/// </summary>
public static partial class ServiceLoadParser
{
    [GeneratedRegex(@"(?:^|\s)proc: service (?<name>[A-Za-z0-9._-]+) pid=(?<pid>\d{1,9}) base=0x(?<base>[0-9A-Fa-f]{1,16})(?:\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Line();

    /// <summary>True when <paramref name="line"/> is a service start line.</summary>
    public static bool TryParse(string line, out ServiceLoad load)
    {
        ArgumentNullException.ThrowIfNull(line);
        load = default;
        Match m = Line().Match(line);
        if (!m.Success)
        {
            return false;
        }

        load = new ServiceLoad(
            m.Groups["name"].Value,
            int.Parse(m.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
            ulong.Parse(m.Groups["base"].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>Every service start line in <paramref name="lines"/>, in order.</summary>
    public static IReadOnlyList<ServiceLoad> ParseAll(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var loads = new List<ServiceLoad>();
        foreach (string line in lines)
        {
            if (TryParse(line, out ServiceLoad load))
            {
                loads.Add(load);
            }
        }

        return loads;
    }
}
