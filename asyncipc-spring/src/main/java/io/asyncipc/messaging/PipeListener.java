package io.asyncipc.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.messaging.handler.annotation.MessageMapping;

/**
 * Marks a method that receives the messages of the application's pipe, the way
 * {@code @KafkaListener} or {@code @JmsListener} do for their brokers, or a class whose
 * {@link PipeHandler} methods do, each for its payload type, as with {@code @KafkaHandler}.
 * A method-level listener receives the messages whose type it accepts; a class-level one hands
 * each message to one of its handlers. {@link PayloadTypeRouter} describes the rule, with and
 * without a type id ({@link PipeHeaders#TYPE_ID}). A message that no listener of its pipe
 * accepts is logged once per type at WARN and dropped.
 * <p>
 * With one pipe, a listener binds to it without naming it. With several
 * ({@code asyncipc.pipes.<id>.*}), each listener names its pipe's id in {@link #pipe()}; one
 * that names none, or a pipe that does not exist, fails the application's startup.
 * <p>
 * The method may take {@code byte[]}, {@code String} (UTF-8), a POJO read from JSON (with
 * Jackson on the classpath), {@code @Payload}, {@code @Header} and {@code @Headers} (see
 * {@link PipeHeaders}), {@code Message<?>}, and the
 * {@link io.asyncipc.transport.PipeConnection} it came on. A non-{@code void} return value, or
 * what a returned {@link java.util.concurrent.CompletableFuture} completes with, is sent back on
 * that connection: as the reply to a request of {@link PipeTemplate#convertSendAndReceive},
 * with its correlation id, or else as an ordinary message.
 * <p>
 * An empty message, which the wire format allows, gives a {@code byte[]} parameter an empty
 * array, a {@code String} parameter {@code ""}, a {@code Message<?>} parameter the message with
 * its empty payload, and a POJO parameter {@code null} if it is declared
 * {@code @Payload(required = false)}; a required POJO parameter makes the listener fail with a
 * {@link org.springframework.messaging.converter.MessageConversionException} that names the
 * pipe and the parameter (see {@link PipePayloadArgumentResolver}).
 * <p>
 * An exception is logged with the connection id and the connection stays up, unless an
 * {@link #errorHandler()} turns it into a reply. A listener logs at most one failure with its
 * stack trace per ten seconds; the failures after it are counted and summed up in one line
 * when the ten seconds are over or the pipe stops, so that a peer sending bad messages
 * cannot flood the log.
 */
@Target({ ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@MessageMapping
public @interface PipeListener {

	/**
	 * An id for the listener, used in logs; by default the bean and method name.
	 * @return the listener id
	 */
	String id() default "";

	/**
	 * The id of the pipe whose messages this listener receives, such as {@code "orders"} for
	 * the pipe configured under {@code asyncipc.pipes.orders}. Empty, the default, binds the
	 * listener to the application's only pipe; with several pipes it must be set.
	 * @return the pipe id
	 */
	String pipe() default "";

	/**
	 * The name of a {@link PipeListenerErrorHandler} bean that handles this listener's
	 * exceptions; what it returns, if not {@code null}, is sent as the reply.
	 * @return the error handler's bean name
	 */
	String errorHandler() default "";

	/**
	 * Whether an exception of this listener, on a request of
	 * {@link PipeTemplate#convertSendAndReceive}, goes back to the requester, which throws it
	 * as a {@link PipeRemoteException} carrying its class name and message, as with Spring
	 * AMQP's {@code returnExceptions}. Off by default: the exception is logged, and the
	 * requester times out. An {@link #errorHandler()}, if set, is asked first; what it throws
	 * goes back. Messages that are no request are not affected.
	 * @return {@code true} to send exceptions back to the requester
	 */
	boolean returnExceptions() default false;

}
