package io.asyncipc.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the pipe that a {@link PipeTestClient} parameter connects to, where the application
 * has several server pipes: {@code void test(@ConnectTo("orders") PipeTestClient orders)}
 * connects to the pipe of {@code asyncipc.pipes.orders}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ConnectTo {

	/**
	 * The pipe's id: the key of {@code asyncipc.pipes.<id>}, or {@code default} for the pipe of
	 * {@code asyncipc.name}.
	 * @return the pipe id
	 */
	String value();

}
