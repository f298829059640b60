using System;
using System.Collections.Generic;

namespace Mk.Manifests;

/// <summary>What the supervisor does when a service ends.</summary>
public enum RestartPolicy
{
    /// <summary>Restart whenever it ends (up to the limit).</summary>
    Always,
    /// <summary>Restart when it faulted, threw or exited non-zero (the default).</summary>
    OnFailure,
    /// <summary>Never restart.</summary>
    Never,
}

/// <summary>Spellings of <see cref="RestartPolicy"/> in manifests and the compiled blob.</summary>
public static class RestartPolicyNames
{
    /// <summary>Every accepted spelling, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = new[] { "always", "on-failure", "never" };

    /// <summary>The manifest spelling: <c>always</c>, <c>on-failure</c> or <c>never</c>.</summary>
    public static string ToName(this RestartPolicy policy) => policy switch
    {
        RestartPolicy.Always => "always",
        RestartPolicy.Never => "never",
        _ => "on-failure",
    };

    /// <summary>Parses a manifest spelling; false if it is not one of <see cref="All"/>.</summary>
    public static bool TryParse(string text, out RestartPolicy policy)
    {
        switch (text)
        {
            case "always": policy = RestartPolicy.Always; return true;
            case "on-failure": policy = RestartPolicy.OnFailure; return true;
            case "never": policy = RestartPolicy.Never; return true;
            default: policy = RestartPolicy.OnFailure; return false;
        }
    }
}

/// <summary>One service of an image, as its manifest entry says.</summary>
/// <param name="Name">Folder name under services/.</param>
/// <param name="Restart">Restart policy.</param>
/// <param name="MaxRestarts">Restarts allowed before the supervisor gives up (0..100).</param>
/// <param name="After">Services that must have started before this one, in file order.</param>
/// <param name="Channels">Servers this service may open a channel to, as the client.</param>
public sealed record ServiceSpec(
    string Name,
    RestartPolicy Restart,
    uint MaxRestarts,
    IReadOnlyList<string> After,
    IReadOnlyList<string> Channels)
{
    /// <summary>Privileges beyond channels (log-read, log-export, power).</summary>
    public IReadOnlyList<string> Rights { get; init; } = System.Array.Empty<string>();
}

/// <summary>A validated image manifest.</summary>
/// <param name="Name">Image name ([a-z0-9-]+); the image is out/NAME.elf.</param>
/// <param name="Flavour"><c>default</c>, or <c>test</c> for the kernel with the in-image suite.</param>
/// <param name="Cmdline">Default kernel command line (may be empty).</param>
/// <param name="MemoryMib">RAM to boot with, in MiB (at least 16).</param>
/// <param name="Smp">CPUs to boot with (1..64).</param>
/// <param name="Services">Services in file order.</param>
/// <param name="StartOrder">Services in start order: the topological order of
/// <see cref="ServiceSpec.After"/>, ties in file order.</param>
public sealed record ImageManifest(
    string Name,
    string Flavour,
    string Cmdline,
    uint MemoryMib,
    uint Smp,
    IReadOnlyList<ServiceSpec> Services,
    IReadOnlyList<ServiceSpec> StartOrder)
{
    /// <summary>The memory size as QEMU and the Makefile take it (<c>128M</c>).</summary>
    public string MemoryText => MemorySize.Format(MemoryMib);
}
