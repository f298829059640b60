using Microkernel.Boot;
using Microkernel.Console;
using Microkernel.Diagnostics;

namespace Microkernel.Init;

/// <summary>Kernel settings from the command line: <c>panic=halt|reboot</c>,
/// <c>loglevel=debug|info|warn|error</c>, and for test images <c>crash=CASE</c>.</summary>
internal static class CommandLineSettings
{
    private const int MaxLength = 512;

    [System.Runtime.CompilerServices.InlineArray(MaxLength)]
    private struct TextBuffer { private byte _element; }

    private static TextBuffer s_text;
    private static int s_length;

    /// <summary>The command line as read at boot (truncated to 512 bytes).</summary>
    internal static CommandLine Current =>
        new CommandLine(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref s_text[0], s_length));

    internal static void Apply(in BootInfo info)
    {
        IdentityMappedMemory memory = default;
        System.Span<byte> text = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref s_text[0], MaxLength);
        int length = info.CopyCommandLine(ref memory, text);
        s_length = length < 0 ? 0 : length;
        // Strip the NUL if the copy included it.
        while (s_length > 0 && text[s_length - 1] == 0)
        {
            s_length--;
        }

        CommandLine line = Current;
        if (line.Is("panic"u8, "reboot"u8))
        {
            Panic.Action = PanicAction.Reboot;
        }

        if (line.Is("panic"u8, "halt"u8))
        {
            Panic.Action = PanicAction.Halt;
        }

        if (line.Is("loglevel"u8, "debug"u8))
        {
            Log.Threshold = LogLevel.Debug;
        }

        if (line.Is("loglevel"u8, "info"u8))
        {
            Log.Threshold = LogLevel.Info;
        }

        if (line.Is("loglevel"u8, "warn"u8))
        {
            Log.Threshold = LogLevel.Warning;
        }

        if (line.Is("loglevel"u8, "error"u8))
        {
            Log.Threshold = LogLevel.Error;
        }

        if (s_length > 0)
        {
            LogLine record = Log.Begin(LogLevel.Info, "boot"u8);
            record.Text("command line: "u8);
            record.Text(text.Slice(0, s_length));
            record.End();
        }
    }
}
