using System;
using System.Globalization;
using System.IO;

namespace Tools.Tests;

/// <summary>
/// A per-process scratch directory under the system temp folder for fixtures built during a
/// test run (gcc outputs), removed when the test process exits so runs do not pile up in /tmp.
/// </summary>
internal static class TestTempDirectory
{
    /// <summary>The directory <c>{prefix}-{pid}</c> in the temp folder, created if needed.</summary>
    public static string For(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), prefix + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file still open elsewhere only leaves the directory behind.
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return dir;
    }
}
