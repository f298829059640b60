using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Microkernel.Ipc.Generator;

/// <summary>
/// Emits NameCalls&lt;TWaiter&gt; for one contract: the blocking client call of each method (encode
/// the request, publish it, wake the server if it sleeps and wait for the reply with the right
/// request id, or until the server is gone, then decode it), plus the pieces a client that keeps
/// several requests in flight builds on (Publish, Notify, TryTakeReply, WaitForReply). Every
/// wait goes through the waiter type parameter, constrained to a struct so the calls are direct.
/// </summary>
internal static class BlockingCallsEmitter
{
    public static void Append(StringBuilder s, INamedTypeSymbol contract, string baseName, List<ContractMethod> methods)
    {
        string ipc = Names.Ipc;
        s.AppendLine();
        s.Append(Header
            .Replace("@Contract", contract.Name)
            .Replace("@Base", baseName)
            .Replace("@Ipc.", ipc));
        foreach (ContractMethod method in methods)
        {
            string template = method.Reply != null ? RequestMethod : NotificationMethod;
            s.Append(template
                .Replace("@Name", method.Symbol.Name)
                .Replace("@Request", Names.Global(method.Request))
                .Replace("@Reply", method.Reply != null ? Names.Global(method.Reply) : string.Empty)
                .Replace("@Base", baseName)
                .Replace("@Ipc.", ipc));
        }

        s.Append(Footer.Replace("@Base", baseName).Replace("@Ipc.", ipc));
    }

    private const string Header = """
/// <summary>Blocking calls of <see cref="@Contract"/> over one channel (generated). Each call
/// sends its request, publishes it, and, while the reply ring is empty, announces sleeping and
/// waits through <typeparamref name="TWaiter"/>, sending the server's wake-up (when the publish
/// found it sleeping) with the wait as one notify-and-wait. Once the server is gone or a ring is
/// corrupt every call returns false at once (<see cref="IsBroken"/>): a call never hangs on a dead
/// peer. A call also returns false, without breaking the channel, when the answer is an Error
/// reply or does not decode. A reply's spans point into the reply ring and stay valid until the
/// next call or receive on this object.</summary>
/// <typeparam name="TWaiter">How to wait and notify: the kernel's calls in a service, events in host tests.</typeparam>
public sealed class @BaseCalls<TWaiter>
    where TWaiter : struct, @Ipc.IChannelWaiter
{
    private readonly ulong _channel;
    private TWaiter _waiter;
    private bool _broken;

    /// <summary>Calls through <paramref name="client"/> over the channel whose handle is
    /// <paramref name="channel"/> (what <paramref name="waiter"/> notifies and waits on).</summary>
    public @BaseCalls(@BaseClient client, ulong channel, TWaiter waiter)
    {
        Client = client;
        _channel = channel;
        _waiter = waiter;
    }

    /// <summary>The typed sender underneath, for requests queued without waiting.</summary>
    public @BaseClient Client { get; }

    /// <summary>The channel handle the waiter notifies and waits on.</summary>
    public ulong Channel => _channel;

    /// <summary>True once the server was found gone or a ring corrupt: every call fails at once.</summary>
    public bool IsBroken => _broken;

    /// <summary>Requests sent and not yet answered.</summary>
    public int Outstanding => Client.Endpoint.Outstanding;

""";

    private const string RequestMethod = """
    /// <summary>Calls <c>@Name</c> and waits for its reply; false if it could not be sent, the
    /// server is gone, or the answer is an error or malformed.</summary>
    public bool @Name(scoped in @Request request, out @Reply reply)
    {
        reply = default;
        if (_broken)
        {
            return false;
        }

        @Ipc.CallStatus sent = Client.TrySend@Name(in request, out uint requestId);
        if (sent != @Ipc.CallStatus.Ok)
        {
            _broken |= sent == @Ipc.CallStatus.RingCorrupt;
            return false;
        }

        return Await(requestId, out @Ipc.ReplyMessage message) && @BaseClient.TryDecode@NameReply(in message, out reply);
    }

""";

    private const string NotificationMethod = """
    /// <summary>Sends the <c>@Name</c> notification and publishes it (waking the server if it
    /// sleeps); false if it could not be sent or the server is gone.</summary>
    public bool @Name(in @Request request)
    {
        if (_broken)
        {
            return false;
        }

        @Ipc.CallStatus sent = Client.TrySend@Name(in request);
        if (sent != @Ipc.CallStatus.Ok)
        {
            _broken |= sent == @Ipc.CallStatus.RingCorrupt;
            return false;
        }

        return Publish();
    }

""";

    private const string Footer = """
    /// <summary>Publishes queued requests and wakes the server if it announced sleeping;
    /// false (and broken) when it is gone.</summary>
    public bool Publish()
    {
        if (_broken)
        {
            return false;
        }

        if (Client.Endpoint.Flush() && _waiter.Notify(_channel) < 0)
        {
            _broken = true;
            return false;
        }

        return true;
    }

    /// <summary>Wakes the server whether or not it sleeps; false (and broken) when it is gone.</summary>
    public bool Notify()
    {
        if (_broken || _waiter.Notify(_channel) < 0)
        {
            _broken = true;
            return false;
        }

        return true;
    }

    /// <summary>Takes a reply that is already there, without waiting: true with a reply to an
    /// outstanding request; false when none is there or the channel is broken (see
    /// <see cref="IsBroken"/>). Replies that answer nothing outstanding are dropped.</summary>
    public bool TryTakeReply(out @Ipc.ReplyMessage reply)
    {
        reply = default;
        if (_broken)
        {
            return false;
        }

        while (true)
        {
            @Ipc.CallStatus status = Client.Endpoint.TryReceive(out reply);
            if (status == @Ipc.CallStatus.Ok)
            {
                return true;
            }

            if (status == @Ipc.CallStatus.UnexpectedReply)
            {
                continue;
            }

            _broken |= status != @Ipc.CallStatus.NoReply;
            return false;
        }
    }

    /// <summary>Waits for the next reply to any outstanding request (published already, see
    /// <see cref="Publish"/>); false once the server is gone.</summary>
    public bool WaitForReply(out @Ipc.ReplyMessage reply)
    {
        reply = default;
        bool wakeServer = false;
        while (true)
        {
            if (_broken)
            {
                return false;
            }

            @Ipc.CallStatus status = Client.Endpoint.TryReceive(out reply);
            if (status == @Ipc.CallStatus.Ok)
            {
                return true;
            }

            if (!Continue(status, ref wakeServer))
            {
                reply = default;
                return false;
            }
        }
    }

    /// <summary>Publishes the request <paramref name="requestId"/> and waits for its reply
    /// (answers to requests abandoned earlier are taken and dropped on the way). Inlined into
    /// each call, as the hand-written calls were: one function per call/reply on the hot path.</summary>
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool Await(uint requestId, out @Ipc.ReplyMessage reply)
    {
        bool wakeServer = Client.Endpoint.Flush();
        while (true)
        {
            @Ipc.CallStatus status = Client.Endpoint.TryReceive(out reply);
            if (status == @Ipc.CallStatus.Ok)
            {
                if (reply.RequestId == requestId)
                {
                    return true;
                }

                continue;
            }

            if (!Continue(status, ref wakeServer))
            {
                reply = default;
                return false;
            }
        }
    }

    /// <summary>One step while no reply was taken: true to look again. An empty reply ring
    /// means announce sleeping and wait (carrying the server's wake-up, if still owed, as one
    /// notify-and-wait, so the kernel can switch straight to the server); a reply that arrived
    /// meanwhile means no wait, and the owed wake-up goes out as a plain notify (its failure is
    /// left for the next wait to report, since the reply is there).</summary>
    [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool Continue(@Ipc.CallStatus status, ref bool wakeServer)
    {
        if (status == @Ipc.CallStatus.UnexpectedReply)
        {
            return true;
        }

        if (status != @Ipc.CallStatus.NoReply)
        {
            _broken = true;
            return false;
        }

        if (Client.Endpoint.PrepareToSleep() == @Ipc.RingStatus.Empty)
        {
            long waited = wakeServer ? _waiter.NotifyWait(_channel, _channel) : _waiter.Wait(_channel);
            wakeServer = false;
            Client.Endpoint.ClearSleeping();
            if (waited < 0)
            {
                _broken = true;
                return false;
            }

            return true;
        }

        Client.Endpoint.ClearSleeping();
        if (wakeServer)
        {
            wakeServer = false;
            _waiter.Notify(_channel);
        }

        return true;
    }
}

""";
}
