using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Tests.Options;

public sealed class AppSettingsSampleTests
{
    private static readonly (string Section, Type Type)[] OptionTypes =
    [
        (DatabaseOptions.Section, typeof(DatabaseOptions)),
        (SecurityOptions.Section, typeof(SecurityOptions)),
        (BootstrapOptions.Section, typeof(BootstrapOptions)),
        (IngestionOptions.Section, typeof(IngestionOptions)),
        (EnrichmentOptions.Section, typeof(EnrichmentOptions)),
        (DemoOptions.Section, typeof(DemoOptions)),
        (TriageOptions.Section, typeof(TriageOptions)),
        (KnowledgeRuntimeOptions.Section, typeof(KnowledgeRuntimeOptions)),
        (FeedbackConsole.Core.Features.Notifications.NotificationOptions.Section, typeof(FeedbackConsole.Core.Features.Notifications.NotificationOptions)),
        (ImpactOptions.Section, typeof(ImpactOptions)),
    ];

    private static IConfigurationRoot Sample() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryRoot(), "appsettings.sample.json")).Build();

    [Fact]
    public void Sample_EveryOptionsProperty_HasAKeyAndNoKeyIsUnknown()
    {
        var sample = Sample();
        foreach (var (section, type) in OptionTypes)
        {
            AssertMirrors(sample.GetSection(section), type);
        }

        Assert.NotNull(sample.GetSection("ConnectionStrings:FeedbackConsole").Value);
    }

    /// <summary>The section has exactly the type's settable properties, and nested option classes (e.g. Bootstrap:Application) match too.</summary>
    private static void AssertMirrors(IConfigurationSection section, Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        var expected = properties.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        var actual = section.GetChildren().Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(actual, StringComparer.Ordinal),
            $"{section.Path}: the options have [{string.Join(", ", expected)}], the sample has [{string.Join(", ", actual)}].");
        foreach (var nested in properties.Where(p => IsNestedOptions(p.PropertyType)))
        {
            AssertMirrors(section.GetSection(nested.Name), nested.PropertyType);
        }
    }

    private static bool IsNestedOptions(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    [Fact]
    public void Sample_BoundToOptions_IsValid()
    {
        var sample = Sample();
        foreach (var (section, type) in OptionTypes)
        {
            var options = sample.GetSection(section).Get(type) ?? Activator.CreateInstance(type)!;
            var errors = new List<ValidationResult>();
            Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true),
                $"{section}: {string.Join("; ", errors.Select(e => e.ErrorMessage))}");
        }
    }

    [Theory]
    [InlineData("Security:RevalidationInterval", "00:05:00")]
    [InlineData("Security:LockoutMaxFailedAttempts", "0")]
    [InlineData("Database:SqliteBusyTimeoutMilliseconds", "-1")]
    [InlineData("Bootstrap:AdminEmail", "admin@example.test")]
    [InlineData("Ingestion:MaxBatchItems", "0")]
    [InlineData("Ingestion:MaxTextLength", "67108864")]
    [InlineData("Bootstrap:Application:ApiKey", "fc_pub_0123456789abcdefghijABCDEFGHIJkl")]
    [InlineData("Notifications:PublicBaseUrl", "not a url")]
    [InlineData("Notifications:FromAddress", "nobody")]
    [InlineData("Notifications:MaxAttempts", "0")]
    public void Options_InvalidValue_FailValidationAtStart(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = value })
            .Build();
        using var services = new ServiceCollection()
            .AddLogging()
            .AddFeedbackConsoleCore(configuration, Path.GetTempPath())
            .BuildServiceProvider();

        var exception = Assert.ThrowsAny<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<SecurityOptions>>().Value;
            _ = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            _ = services.GetRequiredService<IOptions<BootstrapOptions>>().Value;
            _ = services.GetRequiredService<IOptions<IngestionOptions>>().Value;
            _ = services.GetRequiredService<IOptions<FeedbackConsole.Core.Features.Notifications.NotificationOptions>>().Value;
        });
        Assert.Contains(key.Split(':')[1], exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bootstrap_ShortPassword_IsRejectedWithTheRule()
    {
        var options = new BootstrapOptions { AdminEmail = "admin@example.test", AdminPassword = "short" };

        var errors = options.Validate(new ValidationContext(options)).ToList();

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("at least 12 characters", StringComparison.Ordinal));
    }

    // From this source file's own path, so it works wherever the binaries are built (e.g. an artifacts path).
    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        var directory = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FeedbackConsole.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FeedbackConsole.sln not found above " + sourceFile);
    }
}
