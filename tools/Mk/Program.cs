using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Mk.Build;
using Mk.Cli;
using Mk.Instances;
using Mk.Klog;
using Mk.Manifests;

namespace Mk;

/// <summary>Entry point of <c>./mk</c>: the verbs compose, build, run, ps, logs, stop, rm
/// and klog (see tools/Mk/README.md). Exit codes: 0 success, 1 failure, 2 bad usage or an
/// invalid manifest.</summary>
public static class Program
{
    private static readonly Option<bool> s_verbose = new("--verbose")
    {
        Description = "Show detail: every make line, the QEMU command, stack traces of errors",
        Recursive = true,
    };

    private static readonly Option<string?> s_instancesDirectory = new("--instances")
    {
        Description = "Folder of instance state folders (default: $MK_INSTANCES_DIR, else out/instances)",
        Recursive = true,
        HelpName = "DIR",
    };

    /// <summary>Runs the tool with <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> Main(string[] args)
    {
        RootCommand root = BuildCommands();
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            Console.Error.WriteLine("mk: error: " + parse.Errors[0].Message);
            string verb = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
            Console.Error.WriteLine($"  hint: {Workspace.CommandName}{verb} --help");
            return 2;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
    }

    private static RootCommand BuildCommands()
    {
        var root = new RootCommand("mk: compose, build, boot and watch microkernel images (manifests in images/*.yaml)");
        root.Options.Add(s_verbose);
        root.Options.Add(s_instancesDirectory);

        var manifestArgument = new Argument<string>("MANIFEST") { Description = "Image manifest, e.g. images/default.yaml" };
        var output = new Option<string>("--output", "-o") { Description = "Folder to write NAME.manifest.msgpack, NAME.services and NAME.vars.mk into", Required = true, HelpName = "DIR" };
        var compose = new Command("compose", "Validate a manifest and write its compiled forms (only files whose content changed)")
        {
            manifestArgument, output,
        };
        compose.SetAction(p => Guard(p, c => Verbs.Compose(c, p.GetRequiredValue(manifestArgument), p.GetRequiredValue(output))));
        root.Subcommands.Add(compose);

        var buildManifest = new Argument<string>("MANIFEST") { Description = "Image manifest, e.g. images/default.yaml" };
        var build = new Command("build", "Compose a manifest into out/manifests/ and build out/NAME.elf with make") { buildManifest };
        build.SetAction(p => Guard(p, c => Verbs.Build(c, p.GetRequiredValue(buildManifest))));
        root.Subcommands.Add(build);

        root.Subcommands.Add(RunCommand());

        var all = new Option<bool>("--all", "-a") { Description = "Include exited instances" };
        var ps = new Command("ps", "List running instances: NAME IMAGE STATE MEMORY UPTIME") { all };
        ps.SetAction(p => Guard(p, c => Verbs.Ps(c, p.GetValue(all))));
        root.Subcommands.Add(ps);

        Argument<string> logsName = NameArgument();
        var logsFollow = new Option<bool>("--follow", "-f") { Description = "Keep printing what the console writes until the instance exits" };
        var logs = new Command("logs", "Print an instance's console (first serial port)") { logsName, logsFollow };
        logs.SetAction((p, cancel) => GuardAsync(p, c => Verbs.Logs(c, p.GetRequiredValue(logsName), p.GetValue(logsFollow), cancel)));
        root.Subcommands.Add(logs);

        Argument<string> stopName = NameArgument();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the guest to power off before forcing", DefaultValueFactory = _ => 10, HelpName = "SECONDS" };
        var force = new Option<bool>("--force") { Description = "Quit QEMU at once instead of pressing the power button" };
        var stop = new Command("stop", "Press the instance's ACPI power button (QMP system_powerdown); quit QEMU if it is still running after --timeout")
        {
            stopName, timeout, force,
        };
        stop.SetAction((p, cancel) => GuardAsync(p, c => Verbs.Stop(c, p.GetRequiredValue(stopName), p.GetValue(timeout), p.GetValue(force), cancel)));
        root.Subcommands.Add(stop);

        Argument<string> rmName = NameArgument();
        var rm = new Command("rm", "Delete an exited instance's folder") { rmName };
        rm.SetAction(p => Guard(p, c => Verbs.Rm(c, p.GetRequiredValue(rmName))));
        root.Subcommands.Add(rm);

        root.Subcommands.Add(KlogCommand());

        Argument<string> storeName = NameArgument();
        var storeEntries = new Argument<string[]>("ENTRY") { Description = "Store entries to read, e.g. kernel/memory/free-kib", Arity = ArgumentArity.OneOrMore };
        var storeTimeout = new Option<double>("--timeout") { Description = "Seconds to wait for each answer", DefaultValueFactory = _ => 5, HelpName = "SECONDS" };
        var storeGet = new Command("get", "Read store entries from a running instance (through its hostlink service)") { storeName, storeEntries, storeTimeout };
        storeGet.SetAction((p, cancel) => GuardAsync(p, c => Verbs.StoreGet(c, p.GetRequiredValue(storeName), p.GetRequiredValue(storeEntries), p.GetValue(storeTimeout), cancel)));
        var store = new Command("store", "Query a running instance's store") { storeGet };
        root.Subcommands.Add(store);
        return root;
    }

    private static Command RunCommand()
    {
        var target = new Argument<string>("MANIFEST|IMAGE") { Description = "A manifest (built first) or an image file (.elf)" };
        var memory = new Option<string?>("--memory", "-m") { Description = "RAM, e.g. 256M (default: the manifest's; 128M for an .elf)", HelpName = "SIZE" };
        var smp = new Option<uint?>("--smp") { Description = "CPUs, 1 to 64 (default: the manifest's; 1 for an .elf)", HelpName = "N" };
        var accel = new Option<string>("--accel") { Description = "Accelerator; auto probes KVM with build/qemu-accel.sh", DefaultValueFactory = _ => "auto" };
        accel.AcceptOnlyFromAmong("kvm", "tcg", "auto");
        var detach = new Option<bool>("--detach", "-d") { Description = $"Run in the background: console to console.log, see {Workspace.CommandName} logs" };
        var name = new Option<string?>("--name") { Description = "Instance name (default: IMAGE-N, the first free N)" };
        var append = new Option<string?>("--append") { Description = "Kernel command line (default: the manifest's kernel.cmdline)", HelpName = "CMDLINE" };
        var run = new Command("run", "Boot an image in QEMU (pc machine), building it first if given a manifest")
        {
            target, memory, smp, accel, detach, name, append,
        };
        run.SetAction((p, cancel) => GuardAsync(p, c => Verbs.Run(c, new RunRequest(
            p.GetRequiredValue(target), p.GetValue(memory), p.GetValue(smp), p.GetRequiredValue(accel),
            p.GetValue(detach), p.GetValue(name), p.GetValue(append)), cancel)));
        return run;
    }

    private static Command KlogCommand()
    {
        Argument<string> name = NameArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep decoding records as they arrive until the instance exits" };
        var level = new Option<string?>("--level") { Description = "Least level shown: debug, info, warning, error", HelpName = "LEVEL" };
        var source = new Option<string[]>("--source") { Description = "Show only records from this source (repeatable)", HelpName = "S", AllowMultipleArgumentsPerToken = false };
        var since = new Option<double?>("--since") { Description = "Show only records from this many seconds after boot on", HelpName = "SECONDS" };
        var klog = new Command("klog", "Decode and print an instance's kernel log (framed MessagePack records on its second serial port)")
        {
            name, follow, level, source, since,
        };
        klog.SetAction((p, cancel) => GuardAsync(p, c =>
        {
            uint? minimum = null;
            string? levelText = p.GetValue(level);
            if (levelText is not null)
            {
                if (!KlogRecord.TryParseLevel(levelText, out uint parsed))
                {
                    throw new MkException($"--level must be debug, info, warning or error, not `{levelText}`", null, 2);
                }

                minimum = parsed;
            }
            double? sinceSeconds = p.GetValue(since);
            if (sinceSeconds is < 0)
            {
                throw new MkException("--since must not be negative", null, 2);
            }

            string[] sources = p.GetValue(source) ?? Array.Empty<string>();
            var filter = new KlogFilter(minimum, sources, sinceSeconds is double s ? (ulong)(s * 1e9) : null);
            return Verbs.Klog(c, p.GetRequiredValue(name), p.GetValue(follow), filter, cancel);
        }));
        return klog;
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = $"Instance name (see {Workspace.CommandName} ps -a)" };

    private static int Guard(ParseResult parse, Func<CommandContext, int> body) =>
        GuardAsync(parse, c => Task.FromResult(body(c))).GetAwaiter().GetResult();

    // Errors end as one line (and a hint); --verbose adds the exception with its stack.
    private static async Task<int> GuardAsync(ParseResult parse, Func<CommandContext, Task<int>> body)
    {
        bool verbose = parse.GetValue(s_verbose);
        var context = new CommandContext(parse, verbose, parse.GetValue(s_instancesDirectory));
        try
        {
            return await body(context).ConfigureAwait(false);
        }
        catch (ManifestException e)
        {
            foreach (ManifestDiagnostic error in e.Errors)
            {
                Console.Error.WriteLine(error.ToString());
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mk: {e.Errors.Count} error(s) in the manifest"));
            return 2;
        }
        catch (MkException e)
        {
            Console.Error.WriteLine("mk: error: " + e.Message);
            if (e.Hint is not null)
            {
                Console.Error.WriteLine("  hint: " + e.Hint);
            }

            if (verbose && e.InnerException is not null)
            {
                Console.Error.WriteLine(e.InnerException);
            }

            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
#pragma warning disable CA1031 // the tool's last line of defence: one line, not a crash dump
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine("mk: error: " + e.Message);
            Console.Error.WriteLine(verbose ? e.ToString() : "  hint: run again with --verbose for the detail");
            return 1;
        }
    }
}
