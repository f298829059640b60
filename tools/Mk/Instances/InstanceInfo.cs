using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mk.Instances;

/// <summary>What <c>instance.json</c> in an instance folder records about a boot.</summary>
public sealed class InstanceInfo
{
    /// <summary>Instance name (the folder name).</summary>
    public required string Name { get; init; }

    /// <summary>Absolute path of the booted ELF.</summary>
    public required string Image { get; init; }

    /// <summary>The manifest it was built from, or null when an ELF was given.</summary>
    public string? Manifest { get; init; }

    /// <summary>RAM as passed to QEMU (<c>128M</c>).</summary>
    public required string Memory { get; init; }

    /// <summary>CPUs.</summary>
    public required uint Smp { get; init; }

    /// <summary>kvm or tcg.</summary>
    public required string Accel { get; init; }

    /// <summary>Kernel command line passed with -append ("" for none).</summary>
    public string Append { get; init; } = "";

    /// <summary>True for <c>run -d</c> (console in console.log), false for a foreground run
    /// (console on the terminal that ran it).</summary>
    public bool Detached { get; init; }

    /// <summary>When QEMU was started (UTC).</summary>
    [JsonPropertyName("started-at")]
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the instance was seen to end, if it was (by stop, or a foreground run
    /// returning); null while running or if it ended on its own unobserved.</summary>
    [JsonPropertyName("stopped-at")]
    public DateTimeOffset? StoppedAt { get; set; }

    /// <summary>How it ended, when known: <c>powered-off</c> (ACPI power button honoured),
    /// <c>forced</c> (QMP quit after the timeout or --force), <c>killed</c> (signal),
    /// <c>exited</c> (a foreground run ended).</summary>
    public string? Ending { get; set; }

    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serialises to the instance.json text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_options) + "\n";

    /// <summary>Reads instance.json text.</summary>
    /// <exception cref="JsonException">Not a valid record.</exception>
    public static InstanceInfo FromJson(string json) =>
        JsonSerializer.Deserialize<InstanceInfo>(json, s_options) ?? throw new JsonException("instance.json is null");
}
