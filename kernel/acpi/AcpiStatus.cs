namespace Microkernel.Acpi;

/// <summary>
/// Outcome of reading ACPI tables. Every malformed input maps to one of these; the
/// readers never read outside a table's validated length and never throw.
/// </summary>
public enum AcpiStatus : byte
{
    /// <summary>Read and validated.</summary>
    Ok = 0,

    /// <summary>No valid RSDP in the EBDA's first KiB or 0xE0000–0xFFFFF.</summary>
    NoRsdp,

    /// <summary>The RSDP (or a given RSDP address) is outside readable memory.</summary>
    UnreadableRsdp,

    /// <summary>The bytes at the given RSDP address are not "RSD PTR ".</summary>
    BadRsdpSignature,

    /// <summary>The first 20 bytes of the RSDP do not sum to 0.</summary>
    BadRsdpChecksum,

    /// <summary>An RSDP of revision 2 or later whose extended (full-length) checksum fails.</summary>
    BadRsdpExtendedChecksum,

    /// <summary>An RSDP of revision 2 or later whose length is below 36 or absurdly large.</summary>
    BadRsdpLength,

    /// <summary>The RSDP gives neither an RSDT nor an XSDT address.</summary>
    NoRootTable,

    /// <summary>A table's header or body is outside readable memory.</summary>
    UnreadableTable,

    /// <summary>A table does not carry the signature it was looked up by.</summary>
    BadSignature,

    /// <summary>A table's length is below its header (36 bytes), above
    /// <see cref="AcpiTableReader.MaxTableLength"/>, or too short for the fields the
    /// reader needs (a FADT below 116 bytes, a MADT below 44).</summary>
    BadLength,

    /// <summary>A table's bytes do not sum to 0.</summary>
    BadChecksum,

    /// <summary>The root table lists no FADT ("FACP").</summary>
    NoFadt,

    /// <summary>The root table lists no MADT ("APIC").</summary>
    NoMadt,

    /// <summary>The FADT gives no DSDT address (both X_DSDT and DSDT are 0).</summary>
    NoDsdt,

    /// <summary>A MADT entry's length is below 2, runs past the table's end, or is
    /// shorter than its type requires; entries before it were kept.</summary>
    MalformedMadt,

    /// <summary>Warning: more processors, I/O APICs or overrides than the fixed
    /// capacities in <see cref="MadtInfo"/>; the extra ones were counted and dropped.</summary>
    TooManyMadtEntries,

    /// <summary>The DSDT has no <c>Name(_S5_, Package(){...})</c>.</summary>
    NoS5,

    /// <summary>The <c>_S5_</c> package is cut off by the table's end, has no elements,
    /// or its first elements are not integer constants.</summary>
    MalformedS5,
}
