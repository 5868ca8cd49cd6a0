using System.Security.Cryptography;
using System.Text;
using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>
/// The shape of API keys: <c>fc_live_</c> or <c>fc_pub_</c> followed by 32 base-62 characters (~190 random
/// bits). Only the SHA-256 of a key is stored; with that much entropy a slow hash would add nothing.
/// </summary>
public static class ApiKeyFormat
{
    public const string ServerPrefix = "fc_live_";
    public const string PublishablePrefix = "fc_pub_";
    public const int RandomLength = 32;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Generate(ApiKeyKind kind) =>
        PrefixOf(kind) + RandomNumberGenerator.GetString(Alphabet, RandomLength);

    public static string PrefixOf(ApiKeyKind kind) => kind == ApiKeyKind.Server ? ServerPrefix : PublishablePrefix;

    /// <summary>True when <paramref name="key"/> has the shape of a generated key; tells its kind.</summary>
    public static bool TryParse(string? key, out ApiKeyKind kind)
    {
        kind = ApiKeyKind.Server;
        if (key is null)
        {
            return false;
        }

        string rest;
        if (key.StartsWith(ServerPrefix, StringComparison.Ordinal))
        {
            rest = key[ServerPrefix.Length..];
        }
        else if (key.StartsWith(PublishablePrefix, StringComparison.Ordinal))
        {
            kind = ApiKeyKind.Publishable;
            rest = key[PublishablePrefix.Length..];
        }
        else
        {
            return false;
        }

        return rest.Length == RandomLength && rest.All(c => char.IsAsciiLetterOrDigit(c));
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>What the console shows of a key after it was created: its prefix and four characters.</summary>
    public static string DisplayPrefix(string key) =>
        key[..((key.StartsWith(ServerPrefix, StringComparison.Ordinal) ? ServerPrefix.Length : PublishablePrefix.Length) + 4)];
}
