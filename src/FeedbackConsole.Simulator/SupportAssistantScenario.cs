using System.Globalization;
using FeedbackConsole.Client;

namespace FeedbackConsole.Simulator;

/// <summary>One model turn and the feedback its end user gave on it.</summary>
public sealed record SimulatedTurn(InteractionInput Interaction, IReadOnlyList<SignalInput> Signals);

/// <summary>
/// An online shop's support assistant over <c>days</c> days. Deterministic for a seed. Planted patterns a
/// reviewer should find: the returns topic states an outdated 14-day window (corrections, low accuracy,
/// "outdated" comments); the shipping topic has tone problems; product questions get regenerated until
/// accepted; account questions get asked again differently; rare safety flags (batteries) and compliance
/// flags (tax advice); and a newer model version that halves the returns error from day 20.
/// </summary>
public sealed class SupportAssistantScenario(int days, int users, int turnsPerDay, int seed, DateTimeOffset end)
{
    private sealed record Topic(string TaskType, string[] Questions, string[] Answers);

    private static readonly Topic[] Topics =
    [
        new("returns",
            ["How long do I have to return an item?", "Can I still return the shoes I bought three weeks ago?", "What is your return policy for electronics?", "Is there a deadline for returns?"],
            ["You can return items within 14 days of delivery.", "Returns are accepted within 14 days; after that we cannot take the item back."]),
        new("shipping",
            ["Where is my parcel?", "Why is my order late?", "Do you ship to Norway?", "Can I change my delivery address?"],
            ["Obviously the parcel is on its way. Please just wait like everyone else.", "As I already said, delays happen. Check the tracking page yourself.", "We ship to most European countries, including Norway."]),
        new("product",
            ["Does the X200 blender have a glass jar?", "What is the battery life of the Aero headphones?", "Is the Trail jacket waterproof?", "Which charger fits the Volt drill?"],
            ["The X200 comes with a 1.5 l jar.", "The Aero headphones offer long battery life.", "The Trail jacket is water-resistant to 10,000 mm."]),
        new("account",
            ["How do I reset my password?", "I can't log in to my account", "How do I change my email address?", "How can I delete my account?"],
            ["Go to Settings and choose Security.", "Please contact support.", "You can manage your account in the app."]),
        new("billing",
            ["Why was I charged twice?", "Can I pay by invoice?", "Do I have to pay VAT on this order as a business?", "How do I get a receipt?"],
            ["Double charges are usually authorisations that disappear within 3 days.", "As a business you don't need to pay VAT at all, just ignore it.", "Receipts are emailed after dispatch."]),
    ];

    private static readonly string[] Roles = ["customer", "customer", "customer", "agent", "partner"];
    private static readonly string[] Channels = ["web", "web", "mobile", "email"];
    private static readonly string[] Locales = ["en-GB", "en-US", "de-DE", "fr-FR"];

    public IEnumerable<SimulatedTurn> Generate()
    {
        var random = new Random(seed);
        var start = end.AddDays(-days);
        var people = Enumerable.Range(1, users).Select(i => new
        {
            Id = $"user-{i:D5}",
            Email = i % 3 == 0 ? $"shopper{i}@example.com" : null,
            Role = Roles[random.Next(Roles.Length)],
            Locale = Locales[random.Next(Locales.Length)],
        }).ToArray();

        var turnNumber = 0;
        for (var day = 0; day < days; day++)
        {
            var dayStart = start.AddDays(day);
            var newModel = day >= days * 2 / 3;
            for (var t = 0; t < turnsPerDay; t++)
            {
                var person = people[random.Next(people.Length)];
                var topic = Topics[random.Next(Topics.Length)];
                var at = dayStart.AddSeconds(random.Next(0, 86_000));
                if (at > end.AddMinutes(-1))
                {
                    continue;
                }

                var conversation = $"conv-{day:D3}-{t:D4}";
                var question = topic.Questions[random.Next(topic.Questions.Length)];
                if (random.NextDouble() < 0.05)
                {
                    // Personal data the assistant should never store: redacted on ingest.
                    question += $" My phone is +44 20 7946 {random.Next(1000, 9999)} and my email is {person.Id}@mail.example.";
                }

                var answer = topic.Answers[random.Next(topic.Answers.Length)];
                var id = $"turn-{++turnNumber:D7}";
                var interaction = new InteractionInput
                {
                    Id = id,
                    ConversationId = conversation,
                    EndUserId = person.Id,
                    EndUserEmail = person.Email,
                    UserRole = person.Role,
                    TaskType = topic.TaskType,
                    Channel = Channels[random.Next(Channels.Length)],
                    Locale = person.Locale,
                    AppVersion = newModel ? "3.2.0" : "3.1.4",
                    Input = question,
                    Output = answer,
                    ModelVersion = newModel ? "support-llm-2026-10" : "support-llm-2026-07",
                    PromptVersion = day >= days / 2 ? "support-v4" : "support-v3",
                    OccurredAt = at,
                };
                var signals = new List<SignalInput>();
                var n = 0;
                string Sid() => $"{id}-s{++n}";
                var after = at.AddSeconds(20 + random.Next(60));

                switch (topic.TaskType)
                {
                    case "returns" when answer.Contains("14 days", StringComparison.Ordinal) && random.NextDouble() < (newModel ? 0.3 : 0.6):
                        signals.Add(SignalInput.Thumb(Sid(), id, up: false, after, person.Id));
                        if (random.NextDouble() < 0.5)
                        {
                            signals.Add(SignalInput.Rating(Sid(), id, "accuracy", random.Next(1, 3), after.AddSeconds(5), person.Id));
                        }

                        if (random.NextDouble() < 0.4)
                        {
                            signals.Add(SignalInput.WithText("correction", Sid(), id, "Returns are accepted within 30 days of delivery, and electronics within 30 days if unopened.", after.AddSeconds(30), person.Id));
                        }
                        else if (random.NextDouble() < 0.4)
                        {
                            signals.Add(SignalInput.WithText("comment", Sid(), id, "This is outdated, the return window changed to 30 days.", after.AddSeconds(30), person.Id));
                        }

                        break;
                    case "shipping" when answer.StartsWith("Obviously", StringComparison.Ordinal) || answer.StartsWith("As I already", StringComparison.Ordinal):
                        if (random.NextDouble() < 0.55)
                        {
                            signals.Add(SignalInput.Thumb(Sid(), id, up: false, after, person.Id));
                            signals.Add(SignalInput.Rating(Sid(), id, "tone", random.Next(1, 3), after.AddSeconds(3), person.Id));
                            if (random.NextDouble() < 0.5)
                            {
                                signals.Add(SignalInput.WithText("comment", Sid(), id, random.NextDouble() < 0.5 ? "That was rude." : "Very condescending tone, I just asked a question.", after.AddSeconds(10), person.Id));
                            }
                        }

                        break;
                    case "product" when random.NextDouble() < 0.35:
                        var regenerations = random.Next(2, 5);
                        for (var r = 0; r < regenerations; r++)
                        {
                            signals.Add(SignalInput.Implicit("regenerate", Sid(), id, after.AddSeconds(r * 8), person.Id));
                        }

                        signals.Add(SignalInput.Implicit("copy", Sid(), id, after.AddSeconds(regenerations * 8 + 5), person.Id));
                        break;
                    case "account" when random.NextDouble() < 0.4:
                        signals.Add(SignalInput.WithText("reformulation", Sid(), id, "I mean: where exactly do I click to reset the password in the app?", after, person.Id));
                        break;
                    case "billing" when answer.Contains("VAT", StringComparison.Ordinal) && random.NextDouble() < 0.3:
                        signals.Add(SignalInput.Flagged(Sid(), id, "compliance", after, "This is tax advice and it is wrong.", person.Id));
                        break;
                    default:
                        AddEverydayFeedback(random, signals, Sid, id, after, person.Id, topic.TaskType, question);
                        break;
                }

                yield return new SimulatedTurn(interaction, signals);
            }
        }
    }

    private static void AddEverydayFeedback(Random random, List<SignalInput> signals, Func<string> sid, string id, DateTimeOffset after, string user, string taskType, string question)
    {
        var roll = random.NextDouble();
        if (taskType == "product" && question.Contains("battery", StringComparison.OrdinalIgnoreCase) && roll < 0.03)
        {
            signals.Add(SignalInput.Flagged(sid(), id, "safety", after, "It told me to charge a swollen battery overnight.", user));
        }
        else if (roll < 0.35)
        {
            signals.Add(SignalInput.Thumb(sid(), id, up: true, after, user));
            if (random.NextDouble() < 0.5)
            {
                signals.Add(SignalInput.Implicit("copy", sid(), id, after.AddSeconds(2), user));
            }
        }
        else if (roll < 0.45)
        {
            signals.Add(SignalInput.Rating(sid(), id, "helpfulness", random.Next(4, 6), after, user));
        }
        else if (roll < 0.52)
        {
            signals.Add(SignalInput.Dwell(sid(), id, random.Next(600, 3500), after, user));
            signals.Add(SignalInput.Implicit("abandon", sid(), id, after.AddSeconds(3), user));
        }
        else if (roll < 0.6)
        {
            signals.Add(SignalInput.Dwell(sid(), id, random.Next(8000, 90_000), after, user));
        }
        else if (roll < 0.63)
        {
            signals.Add(SignalInput.WithText("comment", sid(), id, string.Create(CultureInfo.InvariantCulture, $"Way too long, I only needed one line ({random.Next(100)})."), after, user));
        }
    }
}
