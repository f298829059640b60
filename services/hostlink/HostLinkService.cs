using System;
using System.Runtime.InteropServices;
using Microkernel.Abi;
using Microkernel.Services.Contracts;
using Microkernel.UserRuntime;

namespace Microkernel.Services.HostLinking;

/// <summary>Answers the host's queries (`./mk store get NAME ENTRY`) that arrive on the
/// log export port's receive side: each get is asked of the store over its channel and
/// answered with a reply frame (<see cref="HostLinkFrames"/>) on the export port.
/// Polls every 20 ms; stops when the supervisor asks (ESHUTDOWN).</summary>
internal static unsafe class HostLinkService
{
    private const int InputCapacity = 1024;

    [UnmanagedCallersOnly(EntryPoint = "service_main")]
    private static int Main()
    {
        if (!StartInfo.TryFindChannel("store"u8, out ChannelGrant channel) || channel.IsServer)
        {
            return -1;
        }

        StoreCalls<KernelWaiter> store = ContractCalls.Store(in channel);
        byte* input = stackalloc byte[InputCapacity];
        int buffered = 0, answered = 0;
        ServiceLog.Info("answering the host's store queries"u8);
        while (true)
        {
            long read = SystemCall.HostRead(new System.Span<byte>(input + buffered, System.Math.Min(512, InputCapacity - buffered)));
            if (read < 0)
            {
                return (int)read;
            }

            buffered += (int)read;
            while (buffered > 0)
            {
                var pending = new System.ReadOnlySpan<byte>(input, buffered);
                int used = HostLinkFrames.TryReadRequest(pending, out uint id, out System.ReadOnlySpan<byte> op, out System.ReadOnlySpan<byte> name, out bool valid);
                if (used == 0)
                {
                    break;
                }

                if (valid) { Answer(store, id, op, name); answered++; }
                pending.Slice(used).CopyTo(new System.Span<byte>(input, InputCapacity));
                buffered -= used;
            }
            if (buffered == InputCapacity)
            {
                buffered = 0; // a flood of garbage: drop it
            }

            if (read == 0 && SystemCall.Sleep(20_000_000) == -Errno.ESHUTDOWN)
            {
                Stopping(answered);
                return answered;
            }
        }
    }

    /// <summary>The last word, through klog (which is stopped after every other service).</summary>
    private static void Stopping(int answered)
    {
        System.Span<byte> line = stackalloc byte[64];
        "stopping; queries answered: "u8.CopyTo(line);
        int n = 28 + Microkernel.Text.IntegerFormatter.FormatDecimal((ulong)answered, line.Slice(28));
        ServiceLog.Info(line.Slice(0, n));
    }

    private static void Answer(StoreCalls<KernelWaiter> store, uint id, System.ReadOnlySpan<byte> op, System.ReadOnlySpan<byte> name)
    {
        System.Span<byte> value = stackalloc byte[130];
        System.ReadOnlySpan<byte> type = "none"u8;
        int valueLength = 0;
        StoreStatus status = StoreStatus.BadName;
        if (op.SequenceEqual("get"u8))
        {
            // The reply's text points into the reply ring: copied out before the next call.
            status = store.Get(new StoreNameRequest { Name = name }, out StoreGetReply reply) ? reply.Status : StoreStatus.Unavailable;
            if (status == StoreStatus.Ok)
            {
                StoreWireValue reading = reply.Value;
                switch (reading.Type)
                {
                    case StoreType.Signed: type = "signed"u8; valueLength = Microkernel.Text.IntegerFormatter.FormatDecimal(reading.Signed, value); break;
                    case StoreType.Unsigned: type = "unsigned"u8; valueLength = Microkernel.Text.IntegerFormatter.FormatDecimal(reading.Unsigned, value); break;
                    case StoreType.Boolean: type = "bool"u8; (reading.Boolean ? "true"u8 : "false"u8).CopyTo(value); valueLength = reading.Boolean ? 4 : 5; break;
                    case StoreType.Text: type = "string"u8; valueLength = System.Math.Min(reading.Text.Length, 128); reading.Text.Slice(0, valueLength).CopyTo(value); break;
                }
            }
        }
        System.Span<byte> frame = stackalloc byte[4 + HostLinkFrames.MaxPayload];
        int n = HostLinkFrames.WriteReply(frame, id, (uint)status, name, type, value.Slice(0, valueLength));
        if (n > 0)
        {
            SystemCall.LogExport(frame.Slice(0, n));
        }
    }
}
