using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using MessagePack;

namespace Mk.HostLink;

/// <summary>One answer from the guest's hostlink service.</summary>
/// <param name="Id">The request it answers.</param>
/// <param name="Status">The store's status (0 = ok; see sdk/contracts/StoreContract.cs).</param>
/// <param name="Name">The entry asked for.</param>
/// <param name="Type">signed, unsigned, bool, string, or none.</param>
/// <param name="Value">The value as text.</param>
public sealed record HostLinkReply(uint Id, uint Status, string Name, string Type, string Value);

/// <summary>Asks an instance's store through its export port socket: frames
/// <c>0xA5 0x5B | u16 LE length | MessagePack [id, "get", name]</c> out, replies
/// <c>[id, status, name, type, value]</c> back (services/hostlink/HostLinkFrames.cs).
/// klog records (0xA5 0x5A) on the same stream are skipped.</summary>
public static class HostLinkClient
{
    /// <summary>Store status names, by value (StoreStatus in the contract).</summary>
    public static string StatusName(uint status) => status switch
    {
        0 => "ok",
        1 => "unknown name",
        2 => "wrong type",
        3 => "read-only",
        4 => "rejected",
        5 => "exists",
        6 => "in use",
        7 => "full",
        8 => "bad name",
        9 => "not owner",
        10 => "too long",
        255 => "store unavailable",
        _ => $"status {status}",
    };

    /// <summary>A request frame.</summary>
    public static byte[] EncodeGet(uint id, string name)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(id);
        writer.Write("get");
        writer.Write(name);
        writer.Flush();
        byte[] payload = buffer.WrittenSpan.ToArray();
        byte[] frame = new byte[4 + payload.Length];
        frame[0] = 0xA5; frame[1] = 0x5B;
        frame[2] = (byte)payload.Length; frame[3] = (byte)(payload.Length >> 8);
        payload.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>Takes every complete reply frame out of <paramref name="pending"/> (which
    /// keeps an incomplete tail); other bytes are dropped.</summary>
    public static List<HostLinkReply> DecodeReplies(List<byte> pending)
    {
        var replies = new List<HostLinkReply>();
        while (true)
        {
            int start = -1;
            for (int i = 0; i + 1 < pending.Count; i++)
            {
                if (pending[i] == 0xA5 && pending[i + 1] == 0x5B) { start = i; break; }
            }

            if (start < 0) { if (pending.Count > 1) { pending.RemoveRange(0, pending.Count - 1); } return replies; }
            if (start + 4 > pending.Count) { pending.RemoveRange(0, start); return replies; }
            int length = pending[start + 2] | (pending[start + 3] << 8);
            if (start + 4 + length > pending.Count) { pending.RemoveRange(0, start); return replies; }
            byte[] payload = pending.GetRange(start + 4, length).ToArray();
            pending.RemoveRange(0, start + 4 + length);
            try
            {
                var reader = new MessagePackReader(payload);
                if (reader.ReadArrayHeader() != 5)
                {
                    continue;
                }

                replies.Add(new HostLinkReply(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadString() ?? "", reader.ReadString() ?? "", reader.ReadString() ?? ""));
            }
            catch (MessagePackSerializationException)
            {
                // Not a reply after all (a klog payload that happened to contain the magic).
            }
        }
    }

    /// <summary>Asks for each name in turn and returns the answers, in order.</summary>
    public static async Task<IReadOnlyList<HostLinkReply>> GetAsync(string socketPath, IReadOnlyList<string> names, TimeSpan timeout, CancellationToken cancel)
    {
        if (!File.Exists(socketPath))
        {
            throw new MkException($"no export port socket at {socketPath} (is the instance running, and was it started by this version of the tool?)", null, 1);
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel).ConfigureAwait(false);
        var results = new List<HostLinkReply>();
        var pending = new List<byte>();
        byte[] receive = new byte[4096];
        for (int i = 0; i < names.Count; i++)
        {
            uint id = (uint)(i + 1);
            await socket.SendAsync(EncodeGet(id, names[i]), cancel).ConfigureAwait(false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            deadline.CancelAfter(timeout);
            HostLinkReply? reply = null;
            while (reply is null)
            {
                int n;
                try
                {
                    n = await socket.ReceiveAsync(receive, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    throw new MkException($"no answer for `{names[i]}` within {timeout.TotalSeconds:0} s (does the image run the hostlink service with a channel to the store?)", null, 1);
                }
                if (n == 0)
                {
                    throw new MkException("the instance closed its export port", null, 1);
                }

                for (int k = 0; k < n; k++)
                {
                    pending.Add(receive[k]);
                }

                foreach (HostLinkReply r in DecodeReplies(pending))
                {
                    if (r.Id == id)
                    {
                        reply = r;
                    }
                }
            }
            results.Add(reply);
        }
        return results;
    }
}
