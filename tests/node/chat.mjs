// One chat completion through the official `openai` package: plain, or streamed with usage.
// Usage: node chat.mjs <baseURL> <apiKey> <plain|stream> <question>; prints one JSON line.
import OpenAI from "openai";

const [baseURL, apiKey, mode, question] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const messages = [{ role: "user", content: question }];

if (mode === "stream") {
  const stream = await client.chat.completions.create({
    model: "tk-advisor", messages, stream: true, stream_options: { include_usage: true },
  });
  let text = "";
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.choices.length) {
      text += chunk.choices[0].delta?.content ?? "";
      finish = chunk.choices[0].finish_reason ?? finish;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  console.log(JSON.stringify({ text, finish, usage }));
} else {
  const completion = await client.chat.completions.create({ model: "tk-advisor", messages });
  const choice = completion.choices[0];
  console.log(JSON.stringify({ text: choice.message.content, finish: choice.finish_reason, usage: completion.usage }));
}
