<?xml version="1.0" encoding="UTF-8"?>
<!-- Prints the Chinese numeral of each number in the parameter "numbers" (separated by spaces),
     one "N=numeral" line each, through stylesheets/numerals.xsl. Used by tests/test_numerals.py:
       xsltproc -\-stringparam numbers "1 10 101" tests/data/numerals-test.xsl tests/data/numerals-test.xsl
     (the input document is not read; any XML file will do). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../../stylesheets/numerals.xsl"/>
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:param name="numbers" select="''"/>

  <xsl:template match="/">
    <xsl:call-template name="each">
      <xsl:with-param name="list" select="normalize-space($numbers)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="each">
    <xsl:param name="list"/>
    <xsl:if test="$list != ''">
      <xsl:variable name="head">
        <xsl:choose>
          <xsl:when test="contains($list, ' ')"><xsl:value-of select="substring-before($list, ' ')"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$list"/></xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <xsl:value-of select="$head"/>
      <xsl:text>=</xsl:text>
      <xsl:call-template name="cn-number">
        <xsl:with-param name="n" select="number($head)"/>
      </xsl:call-template>
      <xsl:text>&#10;</xsl:text>
      <xsl:call-template name="each">
        <xsl:with-param name="list" select="substring-after($list, ' ')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
