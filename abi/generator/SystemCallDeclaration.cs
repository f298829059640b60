using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Microkernel.Abi.Generator;

/// <summary>One system call as the table declares it.</summary>
internal sealed class SystemCallDeclaration
{
    public SystemCallDeclaration(ulong number, string abiName, string memberName, string stubName, string? handler, IReadOnlyList<string> rights, ulong rightsValue, bool supervisorOnly, IReadOnlyList<string> errors, bool noReturn, IReadOnlyList<SystemCallArgument> arguments, DocComment doc, Location location)
    {
        Number = number;
        AbiName = abiName;
        MemberName = memberName;
        StubName = stubName;
        Handler = handler;
        Rights = rights;
        RightsValue = rightsValue;
        SupervisorOnly = supervisorOnly;
        Errors = errors;
        NoReturn = noReturn;
        Arguments = arguments;
        Doc = doc;
        Location = location;
    }

    /// <summary>The number in rax.</summary>
    public ulong Number { get; }

    /// <summary>The ABI's spelling ("notify_wait").</summary>
    public string AbiName { get; }

    /// <summary>The declaration method's name: the <c>SystemCallNumber</c> member.</summary>
    public string MemberName { get; }

    /// <summary>The userlib stub's name.</summary>
    public string StubName { get; }

    /// <summary>The kernel handler, "Namespace.Type.Method".</summary>
    public string? Handler { get; }

    /// <summary>The <c>ProcessRights</c> member names the call needs (empty: none).</summary>
    public IReadOnlyList<string> Rights { get; }

    /// <summary>The same rights as the enum's value.</summary>
    public ulong RightsValue { get; }

    public bool SupervisorOnly { get; }

    /// <summary><c>Errno</c> member names (or numbers where none matches), in declared order.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>The call does not return (the stub returns void and spins after it).</summary>
    public bool NoReturn { get; }

    public IReadOnlyList<SystemCallArgument> Arguments { get; }

    public DocComment Doc { get; }

    /// <summary>Where the declaration is, for diagnostics.</summary>
    public Location Location { get; }

    /// <summary>Argument registers the call uses.</summary>
    public int RegisterCount
    {
        get
        {
            int count = 0;
            foreach (SystemCallArgument argument in Arguments)
            {
                count += argument.Registers;
            }

            return count;
        }
    }
}
