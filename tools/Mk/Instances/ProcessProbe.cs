using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace Mk.Instances;

/// <summary>Looks at processes through /proc (Linux): whether one is alive, and signals.</summary>
internal static partial class ProcessProbe
{
    /// <summary>True if process <paramref name="pid"/> exists, is not a zombie, and its
    /// command line contains <paramref name="marker"/> (so a reused pid is not mistaken for
    /// our QEMU).</summary>
    public static bool IsAlive(int pid, string marker)
    {
        if (pid <= 0)
        {
            return false;
        }

        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 >= stat.Length)
            {
                return false;
            }

            char state = stat[close + 2];
            if (state is 'Z' or 'X' or 'x')
            {
                return false;
            }

            string commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Contains(marker, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads a pid file; 0 if missing or unreadable.</summary>
    public static int ReadPidFile(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false if it failed.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
