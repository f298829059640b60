using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using CrashSymbolizer;

namespace ImageProfile;

/// <summary>
/// Command line entry. Boots the image under single-step TCG, traces the window between two
/// serial lines, and prints the per-function instruction profile (see README.md).
/// Exit codes: 0 success; 1 the run or the analysis failed (marker missing, QEMU failed,
/// empty trace); 2 usage error or unusable kernel image. Errors are one line on stderr,
/// <c>ImageProfile: error: ...</c>.
/// </summary>
public static class Program
{
    /// <summary>Process entry point.</summary>
    public static async Task<int> Main(string[] args) =>
        await RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);

    /// <summary>Runs the tool with explicit output writers (used by tests).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        ProfileOptions options;
        try
        {
            options = ProfileOptions.Parse(args);
        }
        catch (UsageException e)
        {
            stderr.WriteLine("ImageProfile: error: " + e.Message);
            stderr.WriteLine(ProfileOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            stdout.WriteLine(ProfileOptions.Usage);
            return 0;
        }

        LoadedImage kernel;
        try
        {
            kernel = LoadedImage.FromElf("kernel", ElfFile.Load(options.Image), 0);
        }
        catch (Exception e) when (e is ElfFormatException or ProfileException)
        {
            stderr.WriteLine($"ImageProfile: error: kernel image: {e.Message}");
            return 2;
        }

        string? temporary = null;
        try
        {
            string tracePath, serialPath;
            IReadOnlyList<string> serial;
            if (options.Trace is not null && options.Serial is not null)
            {
                tracePath = options.Trace;
                serialPath = options.Serial;
                serial = ReadLines(serialPath, "serial log");
                if (!File.Exists(tracePath))
                {
                    throw new ProfileException($"trace '{tracePath}' not found");
                }
            }
            else
            {
                string dir;
                if (options.Keep is not null)
                {
                    dir = Directory.CreateDirectory(options.Keep).FullName;
                }
                else
                {
                    dir = Directory.CreateTempSubdirectory("imageprofile-").FullName;
                    temporary = dir;
                }
                tracePath = Path.Combine(dir, "trace.log");
                serialPath = Path.Combine(dir, "serial.log");
                File.Delete(tracePath);
                var request = new QemuTraceRequest(options.Qemu, options.Image, options.Append, options.From, options.To,
                                                   tracePath, Path.Combine(dir, "monitor.sock"), options.Timeout);
                serial = await QemuTracer.RunAsync(request, options.Verbose ? stderr : null).ConfigureAwait(false);
                if (options.Keep is not null)
                {
                    File.WriteAllLines(serialPath, serial, Encoding.Latin1);
                }

                if (!File.Exists(tracePath))
                {
                    throw new ProfileException("QEMU wrote no trace file; was tracing switched on?");
                }
            }

            var warnings = new List<string>();
            AddressMap map = ImageLoader.Build(kernel, ServiceLoadParser.ParseAll(serial),
                                               ImageLoader.ServicesIn(options.ServicesDirectory), warnings);
            FunctionProfile profile;
            using (var trace = new StreamReader(tracePath, Encoding.Latin1, false, 1 << 16))
            {
                profile = ProfileAnalysis.Analyze(map, trace, options.Per, options.Iterations, warnings);
            }

            foreach (string w in warnings)
            {
                stderr.WriteLine("ImageProfile: warning: " + w);
            }

            stdout.Write(ProfileTable.Format(profile, options.Top));
            if (options.Json is not null)
            {
                ProfileJson.WriteFile(profile, options.Json);
            }

            return 0;
        }
        catch (ProfileException e)
        {
            stderr.WriteLine("ImageProfile: error: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine("ImageProfile: error: " + e.Message);
            return 1;
        }
        finally
        {
            if (temporary is not null)
            {
                try
                {
                    Directory.Delete(temporary, recursive: true);
                }
                catch (IOException e)
                {
                    stderr.WriteLine($"ImageProfile: warning: could not delete {temporary}: {e.Message}");
                }
            }
        }
    }

    private static string[] ReadLines(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new ProfileException($"{what} '{path}' not found");
        }

        return File.ReadAllLines(path, Encoding.Latin1);
    }
}
