import { CloudEvent } from 'cloudevents';
import type { RecordedEvent } from '../../domain/events/domain-event';

/**
 * A stored event as a CloudEvent v1.0. The extensions carry what a consumer needs to resume and
 * trace: `sequence` (the global position, CloudEvents sequence extension), `streamversion`,
 * `correlationid` and `causationid`.
 */
export function toCloudEvent(event: RecordedEvent): CloudEvent<unknown> {
  const extensions: Record<string, string | number> = {
    sequence: String(event.position),
    streamversion: event.streamVersion,
  };
  if (event.correlationId) extensions.correlationid = event.correlationId;
  if (event.causationId) extensions.causationid = event.causationId;
  return new CloudEvent<unknown>(
    {
      specversion: '1.0',
      id: event.id,
      source: event.source,
      type: event.type,
      subject: event.subject,
      time: event.time,
      datacontenttype: 'application/json',
      ...(event.dataschema ? { dataschema: event.dataschema } : {}),
      data: event.data,
      ...extensions,
    },
    true,
  );
}

/** Throws the SDK's ValidationError when the event could not be a valid CloudEvent. */
export function assertValidCloudEvent(event: RecordedEvent): void {
  toCloudEvent(event).validate();
}

/** Structured-mode JSON of an event, as served by the log, the live stream and structured sinks. */
export function toStructuredJson(event: RecordedEvent): Record<string, unknown> {
  return toCloudEvent(event).toJSON();
}
