package io.asyncipc.messaging;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.messaging.handler.annotation.MessageMapping;

/**
 * Marks a method of a class annotated {@link PipeListener} that receives the messages of one
 * payload type, the way {@code @KafkaHandler} and {@code @RabbitHandler} do. Each message goes
 * to one handler of the class, chosen by the rule that {@link PayloadTypeRouter} describes:
 * by the message's type id ({@link PipeHeaders#TYPE_ID}) where the sender set one, by which
 * handler can read the payload where it did not, and otherwise to the handler marked
 * {@link #isDefault()}.
 * <p>
 * Not to be confused with {@link io.asyncipc.transport.PipeHandler}, the transport's callback
 * interface, which applications of the Spring layer never implement. The annotation keeps the
 * name the Spring family gives it ({@code @KafkaHandler}, {@code @RabbitHandler}), because that
 * is the name users look for next to {@code @PipeListener}; the two never meet in user code.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@MessageMapping
public @interface PipeHandler {

	/**
	 * Whether this handler takes the messages that no other handler of its class accepts. A
	 * class has at most one; a handler that takes {@code byte[]}, {@code Object} or a
	 * {@code Message<?>} of no particular type must be the default.
	 * @return {@code true} for the default handler
	 */
	boolean isDefault() default false;

}
